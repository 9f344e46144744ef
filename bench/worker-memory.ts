// Question 16: what a worker keeps after its longest chunk, under each memory option onnxruntime-node
// offers, and what each costs in synthesis speed. One process per (option, worker count): N worker
// threads with one session each synthesize one text of 50, 100, 200 then 400 characters (all at
// once); the process's RSS is read after each. A worker's memory = (RSS − RSS of the same process
// with no worker) ÷ N. onnxruntime-node 1.30 passes session config entries (`extra`) but not run
// options (its ParseRunOptions reads only logSeverityLevel and tag), so the run option
// `memory.enable_memory_arena_shrinkage` cannot be set, nor the arena's extend strategy (CPU EP
// options are not parsed); what does that job here is the arena off with glibc told to give freed
// memory back (MALLOC_TRIM_THRESHOLD_ / MALLOC_MMAP_THRESHOLD_, read by glibc at process start).
// Speed: one process per option, run alternately on the same texts, audio-s per second of session.run.
// Target: a worker after its longest chunk ≤ model file + 100 MB, at ≤ 3% slower than today.
import { execFile, fork, type ChildProcess } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { table, writeResult, type Target } from './lib/results.js';
import { SENTENCES } from './lib/sentences.js';
import { ensureNano } from './lib/standin-model.js';
import { median, round } from './lib/stats.js';
import type { ProbeReport, ProbeSpec } from './lib/worker-memory-child.js';

const LENGTHS = [50, 100, 200, 400];
const SPEED_ROUNDS = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 3);
const MB = 1024 * 1024;
const TRIM = { MALLOC_TRIM_THRESHOLD_: '0' };

interface Variant {
  name: string;
  options: ProbeSpec['options'];
  env?: Record<string, string>;
  maxChunkChars?: number;
  speed?: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'today: arena on, memory pattern off', options: {}, speed: true },
  { name: 'arena on, memory pattern on', options: { memPattern: true } },
  { name: 'arena on, glibc trim', options: {}, env: TRIM },
  { name: 'arena on, chunks ≤ 200 characters', options: {}, maxChunkChars: 200, speed: true },
  { name: 'arena on, chunks ≤ 100 characters', options: {}, maxChunkChars: 100 },
  { name: 'arena off', options: { cpuMemArena: false } },
  { name: 'arena off, memory pattern on', options: { cpuMemArena: false, memPattern: true } },
  { name: 'arena off, glibc trim', options: { cpuMemArena: false }, env: TRIM, speed: true },
  {
    name: 'arena off, glibc mmap ≥ 128 KiB',
    options: { cpuMemArena: false },
    env: { MALLOC_MMAP_THRESHOLD_: '131072' },
    speed: true,
  },
];

/** One sentence of about `chars` characters (no inner full stop, so chunkText keeps it whole). */
function textOf(chars: number): string {
  const words = SENTENCES.long.replace(/[.,]/g, '').split(' ');
  let text = '';
  for (let i = 0; text.length + words[i % words.length]!.length + 2 <= chars; i++)
    text += (text ? ' ' : '') + words[i % words.length];
  return `${text}.`;
}

const TEXTS = LENGTHS.map(textOf);
const CHILD = path.resolve('bench/lib/worker-memory-child.ts');
const SPEED_CHILD = path.resolve('bench/lib/worker-memory-speed-child.ts');

async function probe(modelDir: string, workers: number, v: Variant): Promise<ProbeReport> {
  const spec: ProbeSpec = {
    modelDir,
    workers,
    options: v.options,
    maxChunkChars: v.maxChunkChars ?? 400,
    texts: TEXTS,
  };
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', CHILD, JSON.stringify(spec)],
    { env: { ...process.env, ...v.env }, maxBuffer: MB },
  );
  return JSON.parse(stdout) as ProbeReport;
}

function startSpeedChild(modelDir: string, v: Variant) {
  const child: ChildProcess = fork(
    SPEED_CHILD,
    [JSON.stringify({ modelDir, options: v.options })],
    {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, ...v.env },
    },
  );
  const next = () => new Promise<unknown>((r) => child.once('message', r));
  const ready = next();
  return {
    ready,
    async run(text: string): Promise<{ ms: number; samples: number }> {
      const reply = next();
      child.send({ text, maxChunkChars: v.maxChunkChars ?? 400 });
      return (await reply) as { ms: number; samples: number };
    },
    stop: () => child.kill(),
  };
}

/** Audio-s per second of session.run, per round, each option run in turn on every text. */
async function speeds(modelDir: string, variants: Variant[]): Promise<number[][]> {
  const children = variants.map((v) => startSpeedChild(modelDir, v));
  try {
    await Promise.all(children.map((c) => c.ready));
    for (const c of children) await c.run(TEXTS[0]!); // warm
    const rates: number[][] = variants.map(() => []);
    for (let round = 0; round < SPEED_ROUNDS; round++) {
      for (const text of TEXTS) {
        for (const [i, c] of children.entries()) {
          const { ms, samples } = await c.run(text);
          rates[i]!.push(samples / 24_000 / (ms / 1000));
        }
      }
    }
    return rates;
  } finally {
    for (const c of children) c.stop();
  }
}

const modelDir = await ensureNano();
const modelMB = statSync(path.join(modelDir, 'kitten_tts_nano_v0_8.onnx')).size / MB;
const loadStart = os.loadavg();
// `--speed-only`: keep the memory rows of the last run, measure the speeds again.
const previous = process.argv.includes('--speed-only')
  ? (JSON.parse(readFileSync('bench/results/worker-memory.json', 'utf8')) as {
      params: { emptyProcessMB: number };
      results: { rows: Array<{ variant: Variant; workers: number; report: ProbeReport }> };
    })
  : undefined;
const empty = previous
  ? { loaded: previous.params.emptyProcessMB * MB, after: [] }
  : await probe(modelDir, 0, VARIANTS[0]!);
const rows: Array<{ variant: Variant; workers: number; report: ProbeReport }> = [];
for (const workers of [1, 2]) {
  for (const variant of VARIANTS) {
    const kept = previous?.results.rows.find(
      (r) => r.workers === workers && r.variant.name === variant.name,
    );
    rows.push({
      variant,
      workers,
      report: kept?.report ?? (await probe(modelDir, workers, variant)),
    });
  }
}
const timed = VARIANTS.filter((v) => v.speed);
const rates = await speeds(modelDir, timed);
const loadEnd = os.loadavg();
// Each option against today on the same text in the same round (paired), then the median ratio.
const speedOf = (v: Variant) => {
  const i = timed.indexOf(v);
  return i < 0 ? undefined : median(rates[i]!.map((r, k) => r / rates[0]![k]!));
};
const perWorker = (r: { workers: number; report: ProbeReport }) =>
  (r.report.after.at(-1)! - empty.loaded) / r.workers / MB;
const limit = modelMB + 100;
// The option that meets the memory target: KITTENTTS_CPU_ARENA=off with MALLOC_MMAP_THRESHOLD_.
const chosen = rows.filter((r) => r.variant.name === 'arena off, glibc mmap ≥ 128 KiB');
const chosenSpeed = speedOf(chosen[0]!.variant)!;
const targets: Target[] = [
  {
    name: 'a worker after its longest chunk (arena off, glibc mmap ≥ 128 KiB), 1 and 2 workers',
    goal: `≤ model file + 100 MB (${round(limit)} MB)`,
    measured: chosen.map((r) => `${round(perWorker(r))} MB with ${r.workers}`).join(', '),
    met: chosen.every((r) => perWorker(r) <= limit),
  },
  {
    name: 'its synthesis speed against today (audio-s per session.run second, median of paired ratios)',
    goal: '≥ 0.97×',
    measured: `${round(chosenSpeed, 3)}×`,
    met: chosenSpeed >= 0.97,
  },
];
writeResult({
  name: 'worker-memory',
  question:
    '19. Worker memory after the longest chunk, per onnxruntime memory option (nano stand-in)',
  params: {
    lengths: LENGTHS,
    speedRounds: SPEED_ROUNDS,
    modelMB,
    emptyProcessMB: empty.loaded / MB,
  },
  results: { rows, rates: Object.fromEntries(timed.map((v, i) => [v.name, rates[i]])) },
  targets,
  notes: [
    `load average at start ${loadStart.map((l) => round(l, 2)).join(' ')}, end ${loadEnd.map((l) => round(l, 2)).join(' ')}`,
  ],
  markdown: table(
    [
      'workers',
      'option',
      'loaded MB',
      ...LENGTHS.map((l) => `after ${l} ch MB`),
      'per worker MB',
      'speed ×',
    ],
    rows.map((r) => [
      r.workers,
      r.variant.name,
      round(r.report.loaded / MB),
      ...r.report.after.map((b) => round(b / MB)),
      round(perWorker(r)),
      speedOf(r.variant) === undefined ? '' : round(speedOf(r.variant)!, 3),
    ]),
  ),
});
