// Question 17: the ElevenLabs and Cartesia dialects' streaming latency against our own WebSocket
// door, side by side in one run on one gateway. An assistant reply is fed as LLM tokens at 30
// tokens/s: over our WebSocket (one text message per token), over ElevenLabs' multi-stream-input
// (one `{text, context_id}` per token) and over Cartesia's /tts/websocket (one `continue: true`
// request per token), all with first_chunk=auto; runs rotate between the doors. Latency = first
// audio message − sending the token from which the server could decide the first chunk; "− worker
// time" subtracts the worker's own time for that chunk in the same run (from /api/stats): what each
// door adds, robust to machine noise.
import os from 'node:os';
import WebSocket from 'ws';
import { lastWorkerMs, waitIdle } from './lib/load.js';
import { table, writeResult } from './lib/results.js';
import { LLM_REPLY, llmTokens } from './lib/sentences.js';
import { startServerProcess } from './lib/server-process.js';
import { ensureNano, gatewayEnv, VOICE } from './lib/standin-model.js';
import { median, round } from './lib/stats.js';
import { completingTokens, runStream, sleepUntil, type StreamTrace } from './lib/stream-clients.js';

const TOKENS_PER_S = 30;
const REPEATS = 6;
const tokens = llmTokens(LLM_REPLY);
type Door = 'ws' | 'elevenlabs' | 'cartesia';
const DOORS: readonly Door[] = ['ws', 'elevenlabs', 'cartesia'];

/** How each dialect frames a token, and where its first audio is. */
const DIALECTS = {
  elevenlabs: {
    path: `/v1/text-to-speech/${VOICE}/multi-stream-input?output_format=pcm_24000&model_id=eleven_flash_v2_5`,
    message: (text: string) => ({ text, context_id: 'bench' }),
    audio: (m: Record<string, unknown>) => (typeof m.audio === 'string' ? m.audio : undefined),
  },
  cartesia: {
    path: '/tts/websocket?cartesia_version=2025-04-16',
    message: (transcript: string) => ({
      model_id: 'sonic-3',
      voice: { mode: 'id', id: VOICE },
      output_format: { container: 'raw', encoding: 'pcm_s16le', sample_rate: 24000 },
      context_id: 'bench',
      transcript,
      continue: true,
    }),
    audio: (m: Record<string, unknown>) => (m.type === 'chunk' ? (m.data as string) : undefined),
  },
} as const;

/** A dialect socket fed token by token until its first audio (then the client leaves). */
async function runDialect(url: string, door: 'elevenlabs' | 'cartesia'): Promise<StreamTrace> {
  const d = DIALECTS[door];
  const trace: StreamTrace = { tokens, sentAt: tokens.map(() => Number.NaN), chunks: [] };
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}${d.path}`);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const firstAudio = new Promise<void>((resolve) =>
    ws.on('message', (data) => {
      const at = performance.now();
      const audio = d.audio(JSON.parse(String(data)) as Record<string, unknown>);
      if (audio === undefined || trace.chunks.length > 0) return;
      const durationS = Buffer.from(audio, 'base64').length / 2 / 24_000;
      trace.chunks.push({ text: '', durationS, firstByteAt: at, arrivedAt: at });
      resolve();
    }),
  );
  const start = performance.now();
  for (let i = 0; i < tokens.length && trace.chunks.length === 0; i++) {
    await sleepUntil(start + (i * 1000) / TOKENS_PER_S);
    if (trace.chunks.length > 0) break;
    trace.sentAt[i] = performance.now();
    ws.send(JSON.stringify(d.message(tokens[i]!)));
  }
  await firstAudio;
  ws.close();
  return trace;
}

interface Sample {
  door: Door;
  fromDecisionMs: number;
  workerMs: number;
  firstChunkS: number;
}

const loadAtStart = os.loadavg().map((v) => round(v, 2));
await ensureNano();
const server = await startServerProcess({
  kind: 'gateway',
  env: gatewayEnv({ workers: 2, threadsPerWorker: 1 }),
});
const samples: Sample[] = [];
let firstChunkText: string | undefined;
const run = (door: Door, tokensPerS = TOKENS_PER_S) =>
  door === 'ws'
    ? runStream({
        url: server.url,
        door: 'ws',
        tokens,
        tokensPerS,
        firstChunk: 'auto',
        untilFirstAudio: true,
      })
    : runDialect(server.url, door);
try {
  // Warm both workers on every door; our WebSocket names the first chunk's text.
  const warm = await run('ws', 1000);
  await Promise.all([runDialect(server.url, 'elevenlabs'), runDialect(server.url, 'cartesia')]);
  firstChunkText = warm.chunks[0]!.text;
  await waitIdle(server.url);
  const { completing, decision } = completingTokens(tokens, firstChunkText);
  for (let r = 0; r < REPEATS; r++) {
    for (let k = 0; k < DOORS.length; k++) {
      const door = DOORS[(r + k) % DOORS.length]!;
      const trace = await run(door);
      await waitIdle(server.url);
      const first = trace.chunks[0]!;
      const decidedAt = trace.sentAt[decision] ?? trace.sentAt[completing]!;
      samples.push({
        door,
        fromDecisionMs: first.firstByteAt - decidedAt,
        workerMs: await lastWorkerMs(server.url, firstChunkText),
        firstChunkS: first.durationS,
      });
    }
  }
} finally {
  await server.close();
}
const loadAtEnd = os.loadavg().map((v) => round(v, 2));

const of = (door: Door) => samples.filter((s) => s.door === door);
const med = (door: Door, f: (s: Sample) => number) => median(of(door).map(f));
const overhead = (door: Door) => med(door, (s) => s.fromDecisionMs - s.workerMs);
const gap = (door: Door) => overhead(door) - overhead('ws');
const sameChunk = samples.every((s) => Math.abs(s.firstChunkS - samples[0]!.firstChunkS) < 0.01);
const NAMES: Record<Door, string> = {
  ws: 'our WebSocket',
  elevenlabs: 'ElevenLabs',
  cartesia: 'Cartesia',
};
const rows = DOORS.map((door) => [
  NAMES[door],
  of(door).length,
  round(
    med(door, (s) => s.fromDecisionMs),
    0,
  ),
  round(overhead(door), 1),
  round(
    med(door, (s) => s.workerMs),
    0,
  ),
]);
const sign = (ms: number) => `${ms >= 0 ? '+' : ''}${round(ms, 1)} ms`;
writeResult({
  name: 'dialects',
  question:
    '18. ElevenLabs and Cartesia dialects vs our WebSocket: first audio after the deciding token (30 tokens/s)',
  params: {
    tokensPerS: TOKENS_PER_S,
    repeatsPerDoor: REPEATS,
    workers: 2,
    firstChunk: 'auto',
    firstChunkText,
    loadAverageAtStart: loadAtStart,
    loadAverageAtEnd: loadAtEnd,
  },
  results: { samples, sameFirstChunk: sameChunk },
  targets: (['elevenlabs', 'cartesia'] as const).map((door) => ({
    name: `${NAMES[door]} first audio after the deciding token − worker time, vs our WebSocket (1 stream)`,
    goal: '≤ +5 ms',
    measured: `${sign(gap(door))} (${NAMES[door]} ${round(overhead(door), 1)} ms, WebSocket ${round(overhead('ws'), 1)} ms)`,
    met: gap(door) <= 5 && sameChunk,
  })),
  markdown: [
    table(['door', 'runs', 'after deciding token ms', '− worker time ms', 'worker time ms'], rows),
    '',
    `First chunk (first_chunk=auto on every door${sameChunk ? ', the same audio on all' : ' — NOT the same audio length'}): "${firstChunkText}". Medians; runs rotate between the doors; load average ${loadAtStart.join(' / ')} at the start, ${loadAtEnd.join(' / ')} at the end.`,
  ].join('\n'),
});
