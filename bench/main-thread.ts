// Question 11: the main thread's budget when every stream is encoded. The conversation load of
// question 6 at C conversations (default 6, about where TTFA stays within its bar on 2 cores),
// once with every WebSocket asking for mp3 and once for Opus: the server's event-loop lag p99 and
// /api/health p99 while it runs. Target: lag p99 ≤ 20 ms. Encoders run a quarter second of audio
// at a time with the event loop free in between (src/http/chunk-audio.ts).
// `tsx bench/main-thread.ts [--conversations N] [--seconds N]`
import { parseArgs } from 'node:util';
import { runConversation } from './lib/conversation.js';
import { probe, waitIdle } from './lib/load.js';
import { table, writeResult, type Target } from './lib/results.js';
import { startServerProcess } from './lib/server-process.js';
import { ensureNano, gatewayEnv } from './lib/standin-model.js';
import { percentile, round } from './lib/stats.js';
import { REPLIES } from './lib/replies.js';

const { values: args } = parseArgs({
  options: {
    conversations: { type: 'string', default: '6' },
    seconds: { type: 'string', default: '40' },
  },
});
const C = Number(args.conversations);
const SECONDS = Number(args.seconds);

await ensureNano();
const server = await startServerProcess({ kind: 'gateway', env: gatewayEnv({ workers: 2 }) });
const rows: Array<Array<string | number>> = [];
const measured: Record<
  string,
  { lagP99Ms: number; lagMaxMs: number; healthP99Ms: number; chunks: number }
> = {};
try {
  await runConversation({
    url: server.url,
    replies: REPLIES,
    firstReply: 0,
    tokensPerS: 1000,
    thinkMeanS: 0,
    untilMs: 0,
    random: Math.random,
  });
  for (const format of ['mp3', 'opus'] as const) {
    await waitIdle(server.url);
    await server.resetLag();
    const health = probe(server.url, '/api/health', 100);
    const until = performance.now() + SECONDS * 1000;
    const runs = await Promise.all(
      Array.from({ length: C }, async (_, i) => {
        await new Promise((r) => setTimeout(r, (i * 3000) / C));
        let seed = 7 + i;
        const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
        return runConversation({
          url: server.url,
          replies: REPLIES,
          firstReply: i,
          tokensPerS: 30,
          thinkMeanS: 1.5,
          untilMs: until,
          query: { format },
          random,
        });
      }),
    );
    const healthMs = await health.stop();
    const lag = await server.stats();
    const chunks = runs.flatMap((r) => r.turns).reduce((n, t) => n + t.chunks, 0);
    measured[format] = {
      lagP99Ms: lag.lagP99Ms,
      lagMaxMs: lag.lagMaxMs,
      healthP99Ms: percentile(healthMs, 99),
      chunks,
    };
    rows.push([
      format,
      C,
      chunks,
      round(lag.lagP99Ms, 1),
      round(lag.lagMaxMs, 1),
      round(percentile(healthMs, 99), 1),
    ]);
  }
} finally {
  await server.close();
}
const worst = Math.max(...Object.values(measured).map((m) => m.lagP99Ms));
const targets: Target[] = [
  {
    name: `event-loop lag p99, ${C} conversations, every stream mp3 or Opus`,
    goal: '≤ 20 ms',
    measured: `${round(worst, 1)} ms (mp3 ${round(measured.mp3?.lagP99Ms ?? NaN, 1)}, opus ${round(measured.opus?.lagP99Ms ?? NaN, 1)})`,
    met: worst <= 20,
  },
];
writeResult({
  name: 'main-thread',
  question: '11. Main-thread budget with every stream encoded (mp3, Opus)',
  params: { conversations: C, seconds: SECONDS },
  results: measured,
  targets,
  markdown: table(
    ['format', 'conversations', 'chunks', 'lag p99 ms', 'lag max ms', '/api/health p99 ms'],
    rows,
  ),
});
