// Question 10: what the longest legal one-shot answers add to the gateway's memory, per door, with
// glibc's default allocator and the workers' arena on (today) and with freed memory given back
// (MALLOC_MMAP_THRESHOLD_ fixed) and the arena off (KITTENTTS_CPU_ARENA=off), and with the
// default allocator but the idle collector off (KITTENTTS_IDLE_GC_MB=0: how it was before it);
// those three without idle renewal (how they were measured first), and the gateway as shipped:
// idle renewal after 30 s and GLIBC_TUNABLES as `npm start` sets it.
// The doors: /api/generate and the one-shot SSE stream with 20,000 characters, one REST chunk call
// flushing 19,000 characters, and /v1/audio/speech with 4,096 (its limit) in every format. The
// gateway (2 workers, the tiny stand-in: the same audio per character as nano at a fraction of the
// compute) runs in a child process; RSS is the kernel's (VmRSS; the peak is VmHWM after clearing it).
// Just before each answer both workers run their longest chunk (an idle renewal in the minute after
// the door before gave their arenas back), so what is measured is the request.
// /api/health is probed every 25 ms from a separate thread while /api/generate's body is written.
// Beside RSS, the child's own account (process.memoryUsage) 60 s later: V8's heap, and the memory
// held outside it (Buffers, ArrayBuffers) that only a full GC frees once unreferenced.
// Targets: peak extra RSS ≤ 1.5 × the answer's PCM16 + 64 MB; 60 s later ≤ +64 MB over before.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { procStatus } from './lib/proc-status.js';
import { table, writeResult, type Target } from './lib/results.js';
import { startServerProcess, type ServerProcess } from './lib/server-process.js';
import { gatewayEnv, MODEL_ID, VOICE } from './lib/standin-model.js';
import { round } from './lib/stats.js';
import { SHIPPED_GLIBC_TUNABLES } from '../src/ops/allocator-hint.js';
import { ensureStandinModel } from '../src/standin/standin.js';
import { postJson } from '../test/helpers/http.js';

const SETTLE_MS = Number(process.argv[2] ?? 60_000);
const MB = 1024 * 1024;
const LONG = 'word '.repeat(4000);
const FLUSH = 'word '.repeat(3800);
const OPENAI = 'word '.repeat(819);
const TINY_DIR = path.resolve('.standin', 'tiny');
const TUNED = { MALLOC_MMAP_THRESHOLD_: '131072', KITTENTTS_CPU_ARENA: 'off' };

/** A door's answer: the bytes read, and the PCM16 bytes of audio it carried (when it says). */
interface Answer {
  status: number;
  bodyBytes: number;
  pcm16Bytes?: number;
}

async function drain(res: Response, keepTail = false): Promise<Answer & { tail: string }> {
  let bodyBytes = 0;
  let tail = '';
  for await (const piece of res.body as unknown as AsyncIterable<Uint8Array>) {
    bodyBytes += piece.length;
    if (keepTail) tail = (tail + Buffer.from(piece.subarray(-600)).toString('latin1')).slice(-600);
  }
  return { status: res.status, bodyBytes, tail };
}

/** `short`: a warm-up with the door's longest chunk (encoders and code paths loaded once). */
type Door = { name: string; send(url: string, short?: boolean): Promise<Answer> };
const WARM = 'word '.repeat(80);

const speech = (format: string): Door => ({
  name: `/v1/audio/speech ${format} (4,096 ch)`,
  async send(url, short) {
    const res = await postJson(`${url}/v1/audio/speech`, {
      model: MODEL_ID,
      voice: VOICE,
      input: short ? WARM : OPENAI,
      response_format: format,
    });
    const out = await drain(res);
    return { ...out, ...(format === 'pcm' ? { pcm16Bytes: out.bodyBytes } : {}) };
  },
});

const DOORS: Door[] = [
  {
    name: '/api/generate (20,000 ch)',
    async send(url, short) {
      const out = await drain(
        await postJson(`${url}/api/generate`, {
          text: short ? WARM : LONG,
          model: MODEL_ID,
          voice: VOICE,
        }),
        true,
      );
      return { ...out, pcm16Bytes: 2 * Number(/"audio_samples":(\d+)/.exec(out.tail)?.[1]) };
    },
  },
  {
    name: '/api/generate/stream SSE (20,000 ch)',
    async send(url, short) {
      const res = await postJson(`${url}/api/generate/stream`, {
        text: short ? WARM : LONG,
        model: MODEL_ID,
        voice: VOICE,
      });
      const out = await drain(res, true);
      const duration = Number(
        /"duration":([\d.]+)/.exec(out.tail.split('event: done')[1] ?? '')?.[1],
      );
      return { ...out, pcm16Bytes: Math.round(duration * 24_000) * 2 };
    },
  },
  {
    name: '/api/stream/chunk flush (19,000 ch)',
    async send(url, short) {
      const start = await fetch(`${url}/api/stream/start?voice=${VOICE}`, { method: 'POST' });
      const { session_id: id } = (await start.json()) as { session_id: string };
      const res = await postJson(`${url}/api/stream/chunk?session_id=${id}`, {
        text: short ? WARM : FLUSH,
        flush: true,
      });
      const text = await res.text();
      const wavs = (JSON.parse(text) as { audio_chunks: string[] }).audio_chunks;
      await fetch(`${url}/api/stream/end/${id}`, { method: 'DELETE' });
      const pcm16Bytes = wavs.reduce((n, b) => n + Buffer.from(b, 'base64').length - 44, 0);
      return { status: res.status, bodyBytes: Buffer.byteLength(text), pcm16Bytes };
    },
  },
  ...['pcm', 'wav', 'mp3', 'opus', 'flac'].map(speech),
];

interface Row {
  variant: string;
  door: string;
  status: number;
  bodyMB: number;
  pcm16MB: number;
  beforeMB: number;
  peakExtraMB: number;
  settledExtraMB: number;
  /** Change over `before`, 60 s later: V8's heap (heapTotal) and memory outside it (external). */
  settledHeapMB: number;
  settledExternalMB: number;
}

async function measure(variant: string, processEnv: Record<string, string>): Promise<Row[]> {
  const env = gatewayEnv({
    workers: 2,
    extra: { KITTENTTS_MODEL_DIRS: `${MODEL_ID}=${TINY_DIR}`, ...processEnv },
  });
  const server: ServerProcess = await startServerProcess(
    { kind: 'gateway', env },
    60_000,
    processEnv,
  );
  const rss = () => procStatus(server.pid, 'VmRSS');
  const rows: Row[] = [];
  try {
    let pcmOfOpenAi: number | undefined;
    for (const door of DOORS) {
      // The door once with a longest chunk, twice at once so both workers have run one.
      await Promise.all([door.send(server.url, true), door.send(server.url, true)]);
      await new Promise((r) => setTimeout(r, 5000));
      const memBefore = await server.stats();
      const before = rss();
      writeFileSync(`/proc/${server.pid}/clear_refs`, '5');
      const answer = await door.send(server.url);
      const peak = procStatus(server.pid, 'VmHWM');
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const memAfter = await server.stats();
      if (door.name.startsWith('/v1') && answer.pcm16Bytes !== undefined)
        pcmOfOpenAi = answer.pcm16Bytes;
      const pcm16 = answer.pcm16Bytes ?? pcmOfOpenAi ?? Number.NaN;
      rows.push({
        variant,
        door: door.name,
        status: answer.status,
        bodyMB: answer.bodyBytes / MB,
        pcm16MB: pcm16 / MB,
        beforeMB: before / MB,
        peakExtraMB: (peak - before) / MB,
        settledExtraMB: (rss() - before) / MB,
        settledHeapMB: (memAfter.heapTotalBytes - memBefore.heapTotalBytes) / MB,
        settledExternalMB: (memAfter.externalBytes - memBefore.externalBytes) / MB,
      });
      process.stderr.write(`${variant} ${door.name}: done\n`);
    }
  } finally {
    await server.close();
  }
  return rows;
}

await ensureStandinModel(TINY_DIR, { variant: 'tiny', seed: 1 });
const loadStart = os.loadavg();
// RSS is per process: both gateways run side by side.
const NO_RENEWAL = { KITTENTTS_WORKER_IDLE_RELEASE_MS: '0' };
const [gcOff, before, after, shipped] = await Promise.all([
  measure('glibc default, idle GC off', { ...NO_RENEWAL, KITTENTTS_IDLE_GC_MB: '0' }),
  measure('glibc default', NO_RENEWAL),
  measure('freed memory given back', { ...NO_RENEWAL, ...TUNED }),
  measure('as shipped', { GLIBC_TUNABLES: SHIPPED_GLIBC_TUNABLES }),
]);
const loadEnd = os.loadavg();
const rows = [...gcOff, ...before, ...after, ...shipped];
const within = (r: Row) => r.peakExtraMB <= 1.5 * r.pcm16MB + 64 && r.settledExtraMB <= 64;
const target = (variant: string, of: Row[]): Target => ({
  name: `every door, ${variant}: peak extra RSS and 60 s later`,
  goal: '≤ 1.5 × PCM16 + 64 MB; ≤ +64 MB',
  measured: of
    .map((r) => `${r.door}: +${round(r.peakExtraMB)} / +${round(r.settledExtraMB)} MB`)
    .join('; '),
  met: of.every(within),
});
const targets: Target[] = [
  target('as shipped (idle renewal, glibc mmap ≥ 128 KiB)', shipped),
  target('glibc default, no renewal', before),
  target('freed memory given back, arena off', after),
];
const f = (v: number) => round(v, 1);
writeResult({
  name: 'memory',
  question:
    '10. Memory a one-shot answer adds, per door, before and after (tiny stand-in, 2 workers)',
  params: { settleMs: SETTLE_MS, workers: 2, tuned: TUNED },
  results: { rows },
  targets,
  notes: [
    `load average at start ${loadStart.map((l) => round(l, 2)).join(' ')}, end ${loadEnd.map((l) => round(l, 2)).join(' ')}`,
  ],
  markdown: table(
    [
      'allocator',
      'door',
      'status',
      'body MB',
      'PCM16 MB',
      'RSS before MB',
      'peak extra MB',
      `extra ${SETTLE_MS / 1000} s later MB`,
      'V8 heap / external, 60 s later vs before, MB',
      'limit MB',
    ],
    rows.map((r) => [
      r.variant,
      r.door,
      r.status,
      f(r.bodyMB),
      f(r.pcm16MB),
      round(r.beforeMB),
      f(r.peakExtraMB),
      f(r.settledExtraMB),
      `${f(r.settledHeapMB)} / ${f(r.settledExternalMB)}`,
      round(1.5 * r.pcm16MB + 64),
    ]),
  ),
});
