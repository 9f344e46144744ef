// Question 13: the Wyoming door's streaming latency against the WebSocket door's, side by side in
// one run on one gateway. An assistant reply is fed as LLM tokens at 30 tokens/s, as Home
// Assistant forwards an LLM agent's output (synthesize-start, one synthesize-chunk per token), and
// over the WebSocket (one text message per token), both with first_chunk=auto (what the Wyoming
// door uses); runs alternate between the doors. Latency = first byte of the first chunk's audio
// (Wyoming: its audio-start, written with it; WebSocket: the `audio` header) − sending the token
// that completed the chunk, and − the next token, from which the server can decide. "− worker time"
// subtracts the worker's own time for that chunk in the same run (from /api/stats): what each door
// adds, robust to machine noise.
import os from 'node:os';
import { lastWorkerMs, waitIdle } from './lib/load.js';
import { table, writeResult } from './lib/results.js';
import { LLM_REPLY, llmTokens } from './lib/sentences.js';
import { startServerProcess } from './lib/server-process.js';
import { ensureNano, gatewayEnv, VOICE } from './lib/standin-model.js';
import { median, round } from './lib/stats.js';
import { completingTokens, runStream, sleepUntil, type StreamTrace } from './lib/stream-clients.js';
import { wyomingClient } from '../test/helpers/wyoming-client.js';

const TOKENS_PER_S = 30;
const REPEATS = 8;
const tokens = llmTokens(LLM_REPLY);
type Door = 'ws' | 'wyoming';

/** A Wyoming text stream fed token by token until its first audio (then the client leaves). */
async function runWyoming(port: number): Promise<StreamTrace> {
  const trace: StreamTrace = { tokens, sentAt: tokens.map(() => Number.NaN), chunks: [] };
  const c = await wyomingClient(port);
  c.send('synthesize-start', { voice: { name: VOICE } });
  let startAt: number | undefined;
  const firstAudio = (async () => {
    for (;;) {
      const ev = await c.next(120_000);
      if (ev.type === 'audio-start') startAt = ev.at;
      if (ev.type === 'audio-chunk') {
        const durationS = ev.payload!.length / 2 / 24_000;
        trace.chunks.push({ text: '', durationS, firstByteAt: startAt ?? ev.at, arrivedAt: ev.at });
        return;
      }
    }
  })();
  const start = performance.now();
  for (let i = 0; i < tokens.length && trace.chunks.length === 0; i++) {
    await sleepUntil(start + (i * 1000) / TOKENS_PER_S);
    if (trace.chunks.length > 0) break;
    trace.sentAt[i] = performance.now();
    c.send('synthesize-chunk', { text: tokens[i]! });
  }
  await firstAudio;
  c.close();
  return trace;
}

interface Sample {
  door: Door;
  fromCompletingMs: number;
  fromDecisionMs: number;
  completeFromDecisionMs: number;
  workerMs: number;
  firstChunkS: number;
}

const loadAtStart = os.loadavg().map((v) => round(v, 2));
await ensureNano();
const server = await startServerProcess({
  kind: 'gateway',
  env: gatewayEnv({ workers: 2, threadsPerWorker: 1, extra: { KITTENTTS_WYOMING_PORT: '0' } }),
});
const samples: Sample[] = [];
let firstChunkText: string | undefined;
try {
  const port = server.wyomingPort!;
  const ws = () =>
    runStream({
      url: server.url,
      door: 'ws',
      tokens,
      tokensPerS: TOKENS_PER_S,
      firstChunk: 'auto',
      untilFirstAudio: true,
    });
  // Warm both workers on both doors; the WebSocket names the first chunk's text.
  const warm = await Promise.all([
    runStream({
      url: server.url,
      door: 'ws',
      tokens,
      tokensPerS: 1000,
      firstChunk: 'auto',
      untilFirstAudio: true,
    }),
    runWyoming(port),
  ]);
  firstChunkText = warm[0].chunks[0]!.text;
  await waitIdle(server.url);
  const { completing, decision } = completingTokens(tokens, firstChunkText!);
  for (let r = 0; r < REPEATS; r++) {
    const order: Door[] = r % 2 === 0 ? ['ws', 'wyoming'] : ['wyoming', 'ws'];
    for (const door of order) {
      const trace = door === 'ws' ? await ws() : await runWyoming(port);
      await waitIdle(server.url);
      const first = trace.chunks[0]!;
      const decidedAt = trace.sentAt[decision] ?? trace.sentAt[completing]!;
      samples.push({
        door,
        fromCompletingMs: first.firstByteAt - trace.sentAt[completing]!,
        fromDecisionMs: first.firstByteAt - decidedAt,
        completeFromDecisionMs: first.arrivedAt - decidedAt,
        workerMs: await lastWorkerMs(server.url, firstChunkText!),
        firstChunkS: first.durationS,
      });
    }
  }
} finally {
  await server.close();
}

const of = (door: Door) => samples.filter((s) => s.door === door);
const med = (door: Door, f: (s: Sample) => number) => median(of(door).map(f));
const overhead = (door: Door) => med(door, (s) => s.fromDecisionMs - s.workerMs);
const wholeOverhead = (door: Door) => med(door, (s) => s.completeFromDecisionMs - s.workerMs);
const gap = overhead('wyoming') - overhead('ws');
// Both doors cut the same first chunk: the same audio length on both.
const sameChunk = of('wyoming').every(
  (s) => Math.abs(s.firstChunkS - of('ws')[0]!.firstChunkS) < 0.01,
);
const rows = (['ws', 'wyoming'] as const).map((door) => [
  door === 'ws' ? 'WebSocket' : 'Wyoming',
  of(door).length,
  round(
    med(door, (s) => s.fromCompletingMs),
    0,
  ),
  round(
    med(door, (s) => s.fromDecisionMs),
    0,
  ),
  round(overhead(door), 1),
  round(wholeOverhead(door), 1),
  round(
    med(door, (s) => s.workerMs),
    0,
  ),
]);
writeResult({
  name: 'wyoming',
  question:
    '13. Wyoming door vs WebSocket door: first audio after the completing token (30 tokens/s)',
  params: {
    tokensPerS: TOKENS_PER_S,
    repeatsPerDoor: REPEATS,
    workers: 2,
    firstChunk: 'auto',
    firstChunkText,
    loadAverageAtStart: loadAtStart,
  },
  results: { samples, sameFirstChunk: sameChunk },
  targets: [
    {
      name: 'Wyoming first audio after the deciding token − worker time, vs the WebSocket door (1 stream)',
      goal: '≤ +5 ms',
      measured: `${gap >= 0 ? '+' : ''}${round(gap, 1)} ms (Wyoming ${round(overhead('wyoming'), 1)} ms, WebSocket ${round(overhead('ws'), 1)} ms; after the completing token ${round(
        med('wyoming', (s) => s.fromCompletingMs),
        0,
      )} vs ${round(
        med('ws', (s) => s.fromCompletingMs),
        0,
      )} ms)`,
      met: gap <= 5 && sameChunk,
    },
  ],
  markdown: [
    table(
      [
        'door',
        'runs',
        'after completing token ms',
        'after deciding token ms',
        '− worker time ms',
        'whole chunk − worker time ms',
        'worker time ms',
      ],
      rows,
    ),
    '',
    `First chunk (first_chunk=auto, the same on both doors${sameChunk ? '' : ' — NOT the same audio length'}): "${firstChunkText}". Medians; runs alternate between the doors; load average ${loadAtStart.join(' / ')} at the start.`,
  ].join('\n'),
});
