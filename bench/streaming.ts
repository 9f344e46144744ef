// Question 5: streaming latency. Tokens of an assistant reply are fed at LLM speed (30 tokens/s) over
// WebSocket, REST session + SSE subscriber, and REST chunk calls, with 1, 2 and 4 concurrent streams;
// sentence mode vs clause-first (WebSocket: the REST session API has no first_chunk setting).
// Latency = first byte of the first chunk's audio message − sending the token that completed it (and − the next
// token, from which the server can decide: a final '.' may still become 'example.com').
import { lastWorkerMs, waitIdle } from './lib/load.js';
import { loadRawModel } from './lib/raw-model.js';
import { table, writeResult } from './lib/results.js';
import { LLM_REPLY, llmTokens } from './lib/sentences.js';
import { startServerProcess } from './lib/server-process.js';
import { ensureNano, gatewayEnv } from './lib/standin-model.js';
import { median, round } from './lib/stats.js';
import {
  completingTokens,
  runStream,
  type Door,
  type FirstChunk,
  type StreamTrace,
} from './lib/stream-clients.js';

const TOKENS_PER_S = 30;
const STREAMS = [1, 2, 4];
const REPEATS_SINGLE = 3;
const tokens = llmTokens(LLM_REPLY);
const CASES: Array<{ door: Door; mode: FirstChunk }> = [
  { door: 'ws', mode: 'sentence' },
  { door: 'ws', mode: 'clause' },
  { door: 'sse', mode: 'sentence' },
  { door: 'rest', mode: 'sentence' },
];

interface Latency {
  /** The worker's own time for the first chunk in this run (front-end + inference), from /api/stats. */
  workerMs?: number;
  fromCompletingMs: number;
  fromDecisionMs: number;
  fromStartMs: number;
  /** Like fromDecisionMs, to the whole first chunk received rather than its first byte. */
  completeFromDecisionMs: number;
}

function latencyOf(trace: StreamTrace, chunkText: string): Latency {
  const first = trace.chunks[0];
  const { completing, decision } = completingTokens(tokens, chunkText);
  if (!first || completing < 0)
    throw new Error(`no first audio or chunk not found: ${JSON.stringify(trace.chunks)}`);
  return {
    fromCompletingMs: first.firstByteAt - trace.sentAt[completing]!,
    fromDecisionMs: first.firstByteAt - (trace.sentAt[decision] ?? trace.sentAt[completing]!),
    fromStartMs: first.firstByteAt - trace.sentAt[0]!,
    completeFromDecisionMs: first.arrivedAt - (trace.sentAt[decision] ?? trace.sentAt[completing]!),
  };
}

const dir = await ensureNano();
const server = await startServerProcess({
  kind: 'gateway',
  env: gatewayEnv({ workers: 2, threadsPerWorker: 1 }),
});
const firstChunkText: Partial<Record<FirstChunk, string>> = {};
const rows = [];
const results: Array<Record<string, unknown>> = [];
try {
  // Warm both workers and learn each mode's first chunk from the WebSocket (it names the text).
  for (const mode of ['sentence', 'clause'] as const) {
    const warm = await Promise.all(
      [0, 1].map(() =>
        runStream({
          url: server.url,
          door: 'ws',
          tokens,
          tokensPerS: 1000,
          firstChunk: mode,
          untilFirstAudio: true,
        }),
      ),
    );
    firstChunkText[mode] = warm[0]!.chunks[0]!.text;
    await waitIdle(server.url);
  }
  for (const { door, mode } of CASES) {
    for (const streams of STREAMS) {
      const latencies: Latency[] = [];
      const repeats = streams === 1 ? REPEATS_SINGLE : 1;
      for (let r = 0; r < repeats; r++) {
        const traces = await Promise.all(
          Array.from({ length: streams }, () =>
            runStream({
              url: server.url,
              door,
              tokens,
              tokensPerS: TOKENS_PER_S,
              firstChunk: mode,
              untilFirstAudio: true,
            }),
          ),
        );
        await waitIdle(server.url);
        const runLatencies = traces.map((t) => latencyOf(t, firstChunkText[mode]!));
        if (streams === 1)
          runLatencies[0]!.workerMs = await lastWorkerMs(server.url, firstChunkText[mode]!);
        latencies.push(...runLatencies);
      }
      const m = (k: Exclude<keyof Latency, 'workerMs'>) => median(latencies.map((l) => l[k]));
      results.push({ door, mode, streams, latencies });
      const overOf = (k: 'fromDecisionMs' | 'completeFromDecisionMs') =>
        streams === 1 ? round(median(latencies.map((l) => l[k] - l.workerMs!)), 0) : '';
      rows.push([
        door,
        mode,
        streams,
        round(m('fromCompletingMs'), 0),
        round(m('fromDecisionMs'), 0),
        overOf('fromDecisionMs'),
        overOf('completeFromDecisionMs'),
        round(m('fromStartMs'), 0),
      ]);
    }
  }
} finally {
  await server.close();
}

// The physical limit for the first chunk: its raw inference time (one thread, in-process).
const raw = await loadRawModel(dir, 1);
const inferenceMs: Partial<Record<FirstChunk, number>> = {};
try {
  for (const mode of ['sentence', 'clause'] as const) {
    const inputs = await raw.prepare(firstChunkText[mode]!);
    await raw.infer(inputs);
    const t: number[] = [];
    for (let i = 0; i < 3; i++) t.push((await raw.infer(inputs)).ms);
    inferenceMs[mode] = median(t);
  }
} finally {
  await raw.release();
}

const pick = (door: Door, mode: FirstChunk, key: Exclude<keyof Latency, 'workerMs'>) => {
  const r = results.find((x) => x.door === door && x.mode === mode && x.streams === 1)!;
  return median((r.latencies as Latency[]).map((l) => l[key]));
};
const overheadOf = (door: Door, mode: FirstChunk) => {
  const r = results.find((x) => x.door === door && x.mode === mode && x.streams === 1)!;
  return median((r.latencies as Latency[]).map((l) => l.fromDecisionMs - l.workerMs!));
};
const wsSentence = pick('ws', 'sentence', 'fromDecisionMs');
const overhead = {
  ws: overheadOf('ws', 'sentence'),
  sse: overheadOf('sse', 'sentence'),
  rest: overheadOf('rest', 'sentence'),
  wsClause: overheadOf('ws', 'clause'),
};
const worstOverhead = Math.max(...Object.values(overhead));
const clauseRatio =
  pick('ws', 'clause', 'fromCompletingMs') / pick('ws', 'sentence', 'fromCompletingMs');
const clauseStartRatio =
  pick('ws', 'clause', 'fromStartMs') / pick('ws', 'sentence', 'fromStartMs');
writeResult({
  name: 'streaming',
  question: '5. Streaming latency (first audio after the completing token, 30 tokens/s)',
  params: {
    tokensPerS: TOKENS_PER_S,
    tokens: tokens.length,
    streams: STREAMS,
    repeatsSingleStream: REPEATS_SINGLE,
    workers: 2,
    firstChunkText,
  },
  results: { cases: results, firstChunkInferenceMs: inferenceMs },
  targets: [
    {
      name: "first audio after the deciding token − the worker's time for that chunk (1 stream; WS, SSE, REST, WS clause)",
      goal: '≤ 15 ms',
      measured: `${Object.entries(overhead)
        .map(([k, v]) => `${k} ${round(v, 0)} ms`)
        .join(
          ', ',
        )} (WS sentence: ${round(wsSentence, 0)} ms after the deciding token; raw inference of the chunk ${round(inferenceMs.sentence!, 0)} ms)`,
      met: worstOverhead <= 15,
    },
    {
      name: 'clause-first vs sentence mode, long first sentence (WS, 1 stream)',
      goal: '≤ 0.6×',
      measured: `${round(clauseRatio, 2)}× after the completing token; ${round(clauseStartRatio, 2)}× from the first token`,
      met: clauseRatio <= 0.6,
    },
  ],
  markdown: [
    table(
      [
        'door',
        'first chunk',
        'streams',
        'after completing token ms',
        'after deciding token ms',
        '− worker time ms',
        'whole chunk − worker time ms',
        'from first token ms',
      ],
      rows,
    ),
    '',
    `First chunk — sentence: "${firstChunkText.sentence}" (raw inference ${round(inferenceMs.sentence!, 0)} ms); clause: "${firstChunkText.clause}" (raw inference ${round(inferenceMs.clause!, 0)} ms).`,
  ].join('\n'),
});
