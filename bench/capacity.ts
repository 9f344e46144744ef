// Question 6: real-time capacity. N WebSocket streams (starts spread over 2 s) are each fed an
// assistant reply at 30 tokens/s; each plays its audio from the first chunk on. A stream underruns
// when a chunk arrives after the audio before it has finished playing. Capacity = the largest N
// tried with no underrun in any stream.
import { waitIdle } from './lib/load.js';
import { table, writeResult } from './lib/results.js';
import { LLM_REPLY, llmTokens } from './lib/sentences.js';
import { startServerProcess } from './lib/server-process.js';
import { ensureNano, gatewayEnv } from './lib/standin-model.js';
import { percentile, round } from './lib/stats.js';
import { runStream, type StreamTrace } from './lib/stream-clients.js';

const TOKENS_PER_S = 30;
const STEPS = [4, 8, 12, 16, 20];
const SPREAD_MS = 2000;
/** Stop stepping up once this much time has gone into the search (keeps npm run bench bounded). */
const BUDGET_MS = 150_000;
const tokens = llmTokens(LLM_REPLY);

interface Playback {
  underruns: number;
  worstLateMs: number;
  firstAudioMs: number;
  audioS: number;
}

/** Plays the chunks back to back from the first arrival; counts chunks that arrived too late. */
export function playback(trace: StreamTrace): Playback {
  let playheadEnd = Number.NaN;
  let underruns = 0;
  let worstLateMs = 0;
  let audioS = 0;
  for (const chunk of trace.chunks) {
    if (Number.isNaN(playheadEnd)) playheadEnd = chunk.arrivedAt;
    else if (chunk.arrivedAt > playheadEnd) {
      underruns++;
      worstLateMs = Math.max(worstLateMs, chunk.arrivedAt - playheadEnd);
      playheadEnd = chunk.arrivedAt;
    }
    playheadEnd += chunk.durationS * 1000;
    audioS += chunk.durationS;
  }
  return {
    underruns,
    worstLateMs,
    firstAudioMs: (trace.chunks[0]?.arrivedAt ?? Number.NaN) - trace.sentAt[0]!,
    audioS,
  };
}

await ensureNano();
const server = await startServerProcess({
  kind: 'gateway',
  env: gatewayEnv({ workers: 2, threadsPerWorker: 1 }),
});
const trials: Array<{
  streams: number;
  underruns: number;
  worstLateMs: number;
  firstAudioP50Ms: number;
  firstAudioP99Ms: number;
  wallMs: number;
}> = [];
let capacity = 0;
let stoppedBy = 'an underrun';
try {
  await runStream({ url: server.url, door: 'ws', tokens, tokensPerS: 1000, untilFirstAudio: true });
  await waitIdle(server.url);
  const started = performance.now();
  for (const streams of STEPS) {
    const t0 = performance.now();
    const traces = await Promise.all(
      Array.from({ length: streams }, async (_, i) => {
        await new Promise((r) => setTimeout(r, (i * SPREAD_MS) / streams));
        return runStream({
          url: server.url,
          door: 'ws',
          tokens,
          tokensPerS: TOKENS_PER_S,
          timeoutMs: 300_000,
        });
      }),
    );
    await waitIdle(server.url);
    const plays = traces.map(playback);
    const underruns = plays.reduce((n, p) => n + p.underruns, 0);
    const first = plays.map((p) => p.firstAudioMs);
    trials.push({
      streams,
      underruns,
      worstLateMs: Math.max(...plays.map((p) => p.worstLateMs)),
      firstAudioP50Ms: percentile(first, 50),
      firstAudioP99Ms: percentile(first, 99),
      wallMs: performance.now() - t0,
    });
    if (underruns > 0) break;
    capacity = streams;
    if (performance.now() - started > BUDGET_MS) {
      stoppedBy = 'the time budget';
      break;
    }
    if (streams === STEPS.at(-1)) stoppedBy = 'the largest step';
  }
} finally {
  await server.close();
}
writeResult({
  name: 'capacity',
  question: '6. Real-time capacity (WebSocket streams at 30 tokens/s with no playback underrun)',
  params: {
    tokensPerS: TOKENS_PER_S,
    steps: STEPS,
    startSpreadMs: SPREAD_MS,
    workers: 2,
    replyTokens: tokens.length,
  },
  results: { capacity, stoppedBy, trials },
  targets: [],
  notes: [`capacity ${capacity} streams (search stopped by ${stoppedBy})`],
  markdown: [
    table(
      [
        'streams',
        'underruns',
        'worst late ms',
        'first audio p50 ms',
        'first audio p99 ms',
        'wall s',
      ],
      trials.map((t) => [
        t.streams,
        t.underruns,
        round(t.worstLateMs, 0),
        round(t.firstAudioP50Ms, 0),
        round(t.firstAudioP99Ms, 0),
        round(t.wallMs / 1000, 1),
      ]),
    ),
    '',
    `Capacity: **${capacity} concurrent streams** without underrun (search stopped by ${stoppedBy}).`,
  ].join('\n'),
});
