// Question 16: the main thread's CPU per audio-second streamed, with pcm and with Opus, beside the
// workers' (every other thread of the server process), under C conversations on the WebSocket
// door. It is what bounds one process: past the worker count whose conversations need a whole
// main thread, more workers add nothing (bench/README "Sizing replicas" projects it with
// sched-sim). Linux only (/proc).
// `tsx bench/main-thread-cost.ts [--conversations 4] [--seconds 30]`
import os from 'node:os';
import { parseArgs } from 'node:util';
import { runConversation } from './lib/conversation.js';
import { waitIdle } from './lib/load.js';
import { table, writeResult } from './lib/results.js';
import { startServerProcess } from './lib/server-process.js';
import { ensureNano, gatewayEnv } from './lib/standin-model.js';
import { rng, round } from './lib/stats.js';
import { threadCpu } from './lib/thread-cpu.js';
import { REPLIES } from './lib/replies.js';

const { values: args } = parseArgs({
  options: {
    conversations: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '30' },
  },
});
const C = Number(args.conversations);
const SECONDS = Number(args.seconds);

await ensureNano();
const loadStart = os.loadavg();
const server = await startServerProcess({ kind: 'gateway', env: gatewayEnv({ workers: 2 }) });
const measured: Record<
  string,
  { audioS: number; mainMsPerAudioS: number; otherMsPerAudioS: number }
> = {};
try {
  const warm = { url: server.url, replies: REPLIES, firstReply: 0, tokensPerS: 1000 };
  await runConversation({ ...warm, thinkMeanS: 0, untilMs: 0, random: rng(1) });
  for (const format of ['pcm', 'opus'] as const) {
    await waitIdle(server.url);
    const before = threadCpu(server.pid);
    const until = performance.now() + SECONDS * 1000;
    const runs = await Promise.all(
      Array.from({ length: C }, async (_, i) => {
        await new Promise((r) => setTimeout(r, (i * 3000) / C));
        return runConversation({
          url: server.url,
          replies: REPLIES,
          firstReply: i,
          tokensPerS: 30,
          thinkMeanS: 1.5,
          untilMs: until,
          query: { format },
          random: rng(7 + i),
        });
      }),
    );
    await waitIdle(server.url);
    const after = threadCpu(server.pid);
    const audioS = runs.reduce((s, r) => s + r.audioS, 0);
    measured[format] = {
      audioS,
      mainMsPerAudioS: (after.mainMs - before.mainMs) / audioS,
      otherMsPerAudioS: (after.otherMs - before.otherMs) / audioS,
    };
  }
} finally {
  await server.close();
}
const loadEnd = os.loadavg();
const rows = Object.entries(measured).map(([format, m]) => [
  format,
  C,
  round(m.audioS, 1),
  round(m.mainMsPerAudioS, 1),
  round(m.otherMsPerAudioS, 1),
  round((100 * m.mainMsPerAudioS) / (m.mainMsPerAudioS + m.otherMsPerAudioS), 1),
]);
writeResult({
  name: 'main-thread-cost',
  question: "16. The main thread's CPU per audio-second streamed (pcm, Opus) vs the workers'",
  params: {
    conversations: C,
    seconds: SECONDS,
    loadAverageStart: loadStart,
    loadAverageEnd: loadEnd,
  },
  results: measured,
  targets: [],
  markdown: [
    table(
      [
        'format',
        'conversations',
        'audio streamed s',
        'main thread CPU ms / audio-s',
        'other threads (workers) CPU ms / audio-s',
        'main share %',
      ],
      rows,
    ),
    '',
    `Load average ${loadStart.map((v) => round(v, 2)).join(' ')} at start, ${loadEnd.map((v) => round(v, 2)).join(' ')} at end.`,
  ].join('\n'),
});
