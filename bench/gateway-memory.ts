// Question 20: a worker's memory in the running gateway as `npm start` ships it (issue 26 item 9),
// measured the way: the built gateway in its own process, a worker's share = (RSS − RSS
// idle after start) ÷ workers. Idle after start the threads and onnxruntime's library are there;
// each worker loads its session at its first synthesis. Three systems: today (no idle renewal,
// glibc's default allocator), idle renewal alone, and as shipped (idle renewal + the GLIBC_TUNABLES
// that package.json's start script and the Dockerfile set). For 1 and 2 workers, every worker runs
// one text of 50, 100, 200 and then 400 characters; RSS 1.5 s after each (what a busy worker
// holds), then once the workers have rested (the renewal after 3 s here instead of the shipped
// 30 s, to keep the run short; what is renewed is the same). The shipped system then runs the
// longest text six times more, resting after each, to show whether renewals creep.
// Speed: a today gateway and a shipped one (its own 30 s default), 2 workers each, take turns at
// 8 medium sentences 4 at a time; the worker threads' CPU per synthesis (from /proc, which a
// shared machine disturbs far less than wall time), today's ÷ shipped's, paired by round.
// Targets: a rested worker after its longest chunk ≤ model file + 100 MB; speed ≥ 0.97× today.
import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SHIPPED_GLIBC_TUNABLES } from '../src/ops/allocator-hint.js';
import { postJson } from '../test/helpers/http.js';
import { buildDist, startDistGateway, type DistGateway } from './lib/dist-gateway.js';
import { table, writeResult, type Target } from './lib/results.js';
import { SENTENCES, sentenceOf } from './lib/sentences.js';
import { ensureNano, gatewayEnv, MODEL_ID, VOICE } from './lib/standin-model.js';
import { median, round } from './lib/stats.js';
import { threadCpu } from './lib/thread-cpu.js';

const LENGTHS = [50, 100, 200, 400];
const REST_IDLE_MS = 3000;
const SPEED_ROUNDS = Number(process.argv[2] ?? 5);
const MB = 1024 * 1024;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface System {
  name: string;
  idleMs: number | undefined;
  tunables?: string;
  /** Longest chunks run again (each followed by a rest) after the ladder: does renewal creep? */
  repeats?: number;
}
const TODAY: System = { name: 'today: no renewal, glibc default', idleMs: 0 };
const SYSTEMS: System[] = [
  TODAY,
  { name: 'idle renewal, glibc default', idleMs: REST_IDLE_MS },
  {
    name: 'as shipped: idle renewal + glibc mmap ≥ 128 KiB',
    repeats: 6,
    idleMs: REST_IDLE_MS,
    tunables: SHIPPED_GLIBC_TUNABLES,
  },
];
const SHIPPED: System = { name: 'as shipped', idleMs: undefined, tunables: SHIPPED_GLIBC_TUNABLES };

function start(system: System, workers: number): Promise<DistGateway> {
  const extra: Record<string, string> = {};
  if (system.idleMs !== undefined) extra.KITTENTTS_WORKER_IDLE_RELEASE_MS = String(system.idleMs);
  if (system.tunables) extra.GLIBC_TUNABLES = system.tunables;
  return startDistGateway(gatewayEnv({ workers, extra }));
}

async function synthesize(url: string, text: string): Promise<void> {
  const res = await postJson(`${url}/api/generate`, { text, model: MODEL_ID, voice: VOICE });
  const body = await res.text();
  if (!res.ok) throw new Error(`/api/generate answered ${res.status}: ${body.slice(0, 200)}`);
}

interface Row {
  system: string;
  workers: number;
  /** The process idle after start, MB. */
  startMB: number;
  /** Per worker, MB over idle after start: loaded, after each length, rested after each. */
  loaded: number;
  after: number[];
  rested: number[];
  /** The worker threads' CPU while resting after each length, ms per worker (the renewal's cost). */
  restCpuMs: number[];
  /** Rested after each repeat of the longest chunk (System.repeats). */
  repeats: number[];
}

async function ladder(system: System, workers: number): Promise<Row> {
  const gw = await start(system, workers);
  try {
    await pause(2000);
    const base = gw.rss();
    const share = () => round((gw.rss() - base) / MB / workers);
    const everyWorker = (text: string) =>
      Promise.all(Array.from({ length: workers }, () => synthesize(gw.url, text)));
    await everyWorker('Hello there.');
    await pause(1500);
    const row: Row = {
      system: system.name,
      workers,
      startMB: round(base / MB),
      loaded: share(),
      after: [],
      rested: [],
      restCpuMs: [],
      repeats: [],
    };
    const rest = async () => {
      const cpu0 = threadCpu(gw.pid).otherMs;
      await pause(REST_IDLE_MS + 4500);
      return { mb: share(), cpuMs: round((threadCpu(gw.pid).otherMs - cpu0) / workers) };
    };
    for (const chars of LENGTHS) {
      await everyWorker(sentenceOf(chars));
      await pause(1500);
      row.after.push(share());
      const rested = await rest();
      row.rested.push(rested.mb);
      row.restCpuMs.push(rested.cpuMs);
    }
    for (let i = 0; i < (system.repeats ?? 0); i++) {
      await everyWorker(sentenceOf(LENGTHS.at(-1)!));
      row.repeats.push((await rest()).mb);
    }
    return row;
  } finally {
    await gw.stop();
  }
}

interface Turn {
  cpuMs: number;
  wallMs: number;
}

async function turn(gw: DistGateway): Promise<Turn> {
  const cpu0 = threadCpu(gw.pid).otherMs;
  const t0 = performance.now();
  const texts = Array.from({ length: 8 }, () => SENTENCES.medium);
  const next = async (): Promise<void> => {
    const text = texts.pop();
    if (text === undefined) return;
    await synthesize(gw.url, text);
    return next();
  };
  await Promise.all(Array.from({ length: 4 }, next));
  return { wallMs: performance.now() - t0, cpuMs: threadCpu(gw.pid).otherMs - cpu0 };
}

async function speed(): Promise<{ cpu: number; wall: number; rounds: Array<[Turn, Turn]> }> {
  const today = await start(TODAY, 2);
  const shipped = await start(SHIPPED, 2);
  try {
    await turn(today);
    await turn(shipped);
    const rounds: Array<[Turn, Turn]> = [];
    for (let r = 0; r < SPEED_ROUNDS; r++) {
      // Alternate who goes first, so a trend in the machine's load falls on both.
      if (r % 2 === 0) rounds.push([await turn(today), await turn(shipped)]);
      else rounds.push([await turn(shipped), await turn(today)].reverse() as [Turn, Turn]);
    }
    return {
      cpu: median(rounds.map(([a, b]) => a.cpuMs / b.cpuMs)),
      wall: median(rounds.map(([a, b]) => a.wallMs / b.wallMs)),
      rounds,
    };
  } finally {
    await Promise.all([today.stop(), shipped.stop()]);
  }
}

const load = () => os.loadavg().map((v) => round(v));
const modelDir = await ensureNano();
buildDist();
const modelMB = statSync(path.join(modelDir, 'kitten_tts_nano_v0_8.onnx')).size / MB;
const loadAtStart = load();
const rows: Row[] = [];
for (const workers of [1, 2]) for (const s of SYSTEMS) rows.push(await ladder(s, workers));
const measured = await speed();
const limit = modelMB + 100;
const shippedRows = rows.filter((r) => r.system === SYSTEMS[2]!.name);
const worstRested = (r: Row) => Math.max(...r.rested, ...r.repeats);
const targets: Target[] = [
  {
    name: 'a worker rested after its longest chunk (50–400 characters, then 400 six times more), as shipped, 1 and 2 workers',
    goal: `≤ model file + 100 MB (${round(limit)} MB)`,
    measured: shippedRows.map((r) => `${worstRested(r)} MB with ${r.workers}`).join(', '),
    met: shippedRows.every((r) => worstRested(r) <= limit),
  },
  {
    name: 'as shipped: synthesis speed against today (worker CPU per synthesis; wall beside it)',
    goal: '≥ 0.97×',
    measured: `${round(measured.cpu, 3)}× CPU, ${round(measured.wall, 3)}× wall`,
    met: measured.cpu >= 0.97,
  },
];
writeResult({
  name: 'gateway-memory',
  question: '20. A worker’s memory in the running gateway, as shipped (issue 26 item 9)',
  params: {
    lengths: LENGTHS,
    restIdleMs: REST_IDLE_MS,
    speedRounds: SPEED_ROUNDS,
    modelMB,
    tunables: SHIPPED_GLIBC_TUNABLES,
  },
  results: { rows, speed: measured },
  targets,
  notes: [`load average at start ${loadAtStart.join(', ')}, end ${load().join(', ')}`],
  markdown: table(
    [
      'workers',
      'system',
      'idle after start MB',
      'loaded MB',
      ...LENGTHS.map((l) => `after ${l} ch MB (rested)`),
      `rested after each of ${SYSTEMS.reduce((n, s) => Math.max(n, s.repeats ?? 0), 0)} more 400 ch MB`,
      'CPU while resting, ms per worker',
    ],
    rows.map((r) => [
      r.workers,
      r.system,
      r.startMB,
      r.loaded,
      ...r.after.map((a, i) => `${a} (${r.rested[i]})`),
      r.repeats.join(', '),
      r.restCpuMs.join(', '),
    ]),
  ),
});
