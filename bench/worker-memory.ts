// Question 19: what a worker keeps after its longest chunk, under each memory option, and what each
// costs in synthesis speed. Memory: one process per (option, worker count): N worker threads with
// one session each synthesize one text of 50, 100, 200 then 400 characters (all at once); the
// process's RSS is read after each, after the threads re-create their sessions (what an idle release
// leaves), and after one short run on the new sessions. A worker's memory = (RSS − RSS of the same
// process with no worker) ÷ N. onnxruntime-node 1.30 passes session config entries (`extra`) but not
// run options (its ParseRunOptions reads only logSeverityLevel and tag), so the run option
// `memory.enable_memory_arena_shrinkage` cannot be set, nor the arena's extend strategy (CPU EP
// options are not parsed). Allocator settings: GLIBC_TUNABLES, read by glibc at process start.
// Speed: bench/lib/worker-memory-speed.ts (worker-thread CPU time per audio-second, paired by round).
// On a shared machine the two halves can run as separate invocations (`--no-speed`, `--no-memory`,
// `--one` for one worker, `--only=0,3` for some options): each keeps what the other measured.
// Target: a worker after its longest chunk ≤ model file + 100 MB, at ≤ 3% slower than today.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { table, writeResult, type Target } from './lib/results.js';
import { sentenceOf } from './lib/sentences.js';
import { ensureNano } from './lib/standin-model.js';
import { median, round } from './lib/stats.js';
import type { ProbeReport, ProbeSpec } from './lib/worker-memory-child.js';
import { measureSpeeds, type FirstRun, type SpeedOption } from './lib/worker-memory-speed.js';

const LENGTHS = [50, 100, 200, 400];
const SPEED_ROUNDS = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 5);
const MB = 1024 * 1024;
const KiB = 1024;
const OFF = { cpuMemArena: false };
const glibc = (mmap: number, extra = '') => ({
  GLIBC_TUNABLES: `glibc.malloc.mmap_threshold=${mmap}${extra}`,
});
// Session config keys (onnxruntime_session_options_config_keys.h): initializers outside the arena,
// and no pre-packed copies of weights.
const INITIALIZERS = {
  session: { use_device_allocator_for_initializers: '1', disable_prepacking: '1' },
};

interface Variant extends SpeedOption {
  name: string;
  speed?: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'today: arena on', options: {}, speed: true },
  { name: 'arena on, chunks ≤ 200 characters', options: {}, maxChunkChars: 200, speed: true },
  { name: 'arena on, chunks ≤ 100 characters', options: {}, maxChunkChars: 100, speed: true },
  { name: 'arena on, mmap ≥ 1 MiB', options: {}, env: glibc(1024 * KiB), speed: true },
  { name: 'arena on, initializers apart', options: { extra: INITIALIZERS } },
  { name: 'arena off', options: OFF },
  { name: 'arena off, mmap ≥ 128 KiB', options: OFF, env: glibc(128 * KiB), speed: true },
  { name: 'arena off, mmap ≥ 1 MiB', options: OFF, env: glibc(1024 * KiB), speed: true },
  { name: 'arena off, mmap ≥ 4 MiB', options: OFF, env: glibc(4096 * KiB), speed: true },
  { name: 'arena off, mmap ≥ 16 MiB', options: OFF, env: glibc(16384 * KiB), speed: true },
];

const TEXTS = LENGTHS.map(sentenceOf);
const CHILD = path.resolve('bench/lib/worker-memory-child.ts');

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

const modelDir = await ensureNano();
const modelMB = statSync(path.join(modelDir, 'kitten_tts_nano_v0_8.onnx')).size / MB;
const uptime = async () => (await promisify(execFile)('uptime')).stdout.trim();
const flag = (f: string) => process.argv.includes(f);
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',')
  .map(Number);
const chosen = only ? VARIANTS.filter((_, i) => only.includes(i)) : VARIANTS;

interface Row {
  name: string;
  workers: number;
  report: ProbeReport;
}
interface Speed {
  /** Median over rounds of today's cost ÷ this option's (> 1: faster than today). */
  cpu: number;
  wall: number;
  rounds: number;
}
interface Saved {
  params: { emptyProcessMB: number };
  results: { rows: Row[]; speeds: Record<string, Speed>; firstAfterRecreate: FirstRun[] };
  notes: string[];
}
const FILE = 'bench/results/worker-memory.json';
const load = (): Saved | undefined => {
  const saved = existsSync(FILE) ? (JSON.parse(readFileSync(FILE, 'utf8')) as Saved) : undefined;
  return saved?.results.speeds ? saved : undefined;
};

const start = await uptime();
// Today's speed with memory back after idle: the arena, idle renewal and glibc's mmap at 1 MiB.
const IDLE_BEST = 'arena on, mmap ≥ 1 MiB';
const RUN = new Date().toISOString().slice(0, 19);
const timed = flag('--no-speed') ? [] : chosen.filter((v) => v.speed);
if (timed.length > 0 && timed[0] !== VARIANTS[0]) timed.unshift(VARIANTS[0]!);
const speeds: Record<string, Speed> = {};
let firstAfterRecreate: FirstRun[] = [];
const rows: Row[] = [];
// The process with no worker: measured by a memory run, else taken from the results file.
let measuredEmptyMB: number | undefined;
if (!flag('--no-memory')) {
  measuredEmptyMB = (await probe(modelDir, 0, VARIANTS[0]!)).loaded / MB;
  const counts = flag('--one') ? [1] : flag('--two') ? [2] : [1, 2];
  for (const workers of counts)
    for (const v of chosen) {
      rows.push({ name: v.name, workers, report: await probe(modelDir, workers, v) });
      await save(); // each probe is kept at once: a run cut short still leaves what it measured
    }
}
if (timed.length > 1) {
  const measured = await measureSpeeds(modelDir, timed, TEXTS, SPEED_ROUNDS);
  firstAfterRecreate = measured.firstAfterRecreate;
  const base = measured.costs[0]!;
  for (const [i, v] of timed.entries()) {
    const c = measured.costs[i]!;
    speeds[v.name] = {
      cpu: median(c.map((r, k) => base[k]!.cpuPerAudioS / r.cpuPerAudioS)),
      wall: median(c.map((r, k) => base[k]!.wallPerAudioS / r.wallPerAudioS)),
      rounds: c.length,
    };
  }
}
await save();

async function save(): Promise<void> {
  const end = await uptime();
  // Merge with what an earlier invocation measured (the file is read again: a parallel one may have
  // written it meanwhile).
  const before = load();
  const emptyMB = measuredEmptyMB ?? before?.params.emptyProcessMB ?? 0;
  const key = (r: Row) => `${r.workers}\u0000${r.name}`;
  const merged = new Map((before?.results.rows ?? []).map((r) => [key(r), r]));
  for (const r of rows) merged.set(key(r), r);
  const allRows = VARIANTS.flatMap((v) =>
    [1, 2].map((w) => merged.get(`${w}\u0000${v.name}`)).filter((r): r is Row => !!r),
  ).sort((a, b) => a.workers - b.workers);
  const allSpeeds = { ...before?.results.speeds, ...speeds };
  const what = [rows.length ? 'memory' : '', timed.length > 1 ? 'speed' : ''].filter(Boolean);
  const notes = [
    ...(before?.notes ?? []).filter((n) => !n.startsWith(RUN)),
    ...(what.length
      ? [
          `${RUN} ${what.join(' + ')} of ${chosen.length} options: load average at start ${start.replace(/.*load average: /, '')}, end ${end.replace(/.*load average: /, '')}`,
        ]
      : []),
  ];
  const perWorker = (r: Row, bytes: number) => bytes / MB - emptyMB;
  const mb = (r: Row, bytes: number | undefined) =>
    bytes === undefined ? '' : round(perWorker(r, bytes) / r.workers);
  const longest = (r: Row) => (r.report.after.at(-1)! / MB - emptyMB) / r.workers;
  const limit = modelMB + 100;
  const off = allRows.filter((r) => r.name === 'arena off, mmap ≥ 128 KiB');
  const idleBest = allRows.filter((r) => r.name === IDLE_BEST);
  const offSpeed = allSpeeds['arena off, mmap ≥ 128 KiB'];
  const renewedMB = (r: Row) => (r.report.recreated! / MB - emptyMB) / r.workers;
  const targets: Target[] = [
    {
      name: 'option not shipped: arena off, glibc mmap ≥ 128 KiB: a worker after its longest chunk, its thread and onnxruntime counted in (1 and 2 workers)',
      goal: `≤ model file + 100 MB (${round(limit)} MB)`,
      measured: off.map((r) => `${round(longest(r))} MB with ${r.workers}`).join(', '),
      met: off.length > 0 && off.every((r) => longest(r) <= limit),
    },
    {
      name: 'option not shipped: arena off, its speed against today (worker-thread CPU per audio-second; wall beside it)',
      goal: '≥ 0.97×',
      measured: offSpeed ? `${round(offSpeed.cpu, 3)}× CPU, ${round(offSpeed.wall, 3)}× wall` : '',
      met: (offSpeed?.cpu ?? 0) >= 0.97,
    },
    {
      name: 'option not shipped: arena on, glibc mmap ≥ 1 MiB, idle renewal: a worker after renewal, its thread and onnxruntime counted in, and its speed (as shipped: question 20)',
      goal: `≤ ${round(limit)} MB`,
      measured: `${idleBest.map((r) => `${round(renewedMB(r))} MB with ${r.workers}`).join(', ')}; speed ${round(allSpeeds[IDLE_BEST]?.cpu ?? 0, 3)}× CPU`,
      met: idleBest.length > 0 && idleBest.every((r) => renewedMB(r) <= limit),
    },
  ];
  const speedCell = (name: string, k: 'cpu' | 'wall') =>
    allSpeeds[name] ? round(allSpeeds[name][k], 3) : '';
  writeResult({
    name: 'worker-memory',
    question:
      '19. Worker memory after the longest chunk, per onnxruntime memory option (nano stand-in)',
    params: {
      lengths: LENGTHS,
      speedRounds: allSpeeds[VARIANTS[0]!.name]?.rounds ?? SPEED_ROUNDS,
      modelMB,
      emptyProcessMB: emptyMB,
    },
    results: {
      rows: allRows,
      speeds: allSpeeds,
      firstAfterRecreate: firstAfterRecreate.length
        ? firstAfterRecreate
        : (before?.results.firstAfterRecreate ?? []),
    },
    targets,
    notes,
    markdown: table(
      [
        'workers',
        'option',
        'loaded MB',
        ...LENGTHS.map((l) => `after ${l} ch MB`),
        'after idle renewal MB',
        'renewal + 50 ch MB',
        'speed × (CPU)',
        'speed × (wall)',
      ],
      allRows.map((r) => [
        r.workers,
        r.name,
        mb(r, r.report.loaded),
        ...r.report.after.map((b) => mb(r, b)),
        mb(r, r.report.recreated),
        mb(r, r.report.rewarmed),
        speedCell(r.name, 'cpu'),
        speedCell(r.name, 'wall'),
      ]),
    ),
  });
}
