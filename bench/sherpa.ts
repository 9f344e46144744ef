// Question 8: sherpa-onnx-node (k2-fsa's native C++ KittenTTS pipeline behind a Node addon) on the
// same stand-in model, laid out with the metadata its KittenTTS support expects. Per-request latency
// and throughput at 1 and 4 concurrent requests, against the gateway (2 workers × 1 thread) under
// the same load. sherpa gets its best of two shapes: one engine with one thread per core, or one
// single-thread engine per core (like the gateway's workers), requests spread round-robin.
import os from 'node:os';
import path from 'node:path';
import { closedLoop, generateOnce } from './lib/load.js';
import { table, writeResult, type Target } from './lib/results.js';
import { SENTENCES } from './lib/sentences.js';
import { startServerProcess } from './lib/server-process.js';
import { writeSherpaModel } from './lib/sherpa-model.js';
import { ensureNano, gatewayEnv, MODEL_ID, VOICE } from './lib/standin-model.js';
import {
  createSherpaEngine,
  loadSherpa,
  type SherpaModule,
  type SherpaTts,
} from './lib/sherpa-server.js';
import { median, round } from './lib/stats.js';

const REQUESTS = 12;
const LATENCY_REPEATS = 3;
const cores = os.availableParallelism();
const SID = 0; // expr-voice-2-m = Jasper
const body = { text: SENTENCES.short, model: MODEL_ID, voice: VOICE, speed: 1 };

async function sherpaLoop(
  engines: SherpaTts[],
  text: string,
  concurrency: number,
  requests: number,
) {
  let issued = 0;
  let audioS = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < requests) {
        const engine = engines[issued++ % engines.length]!;
        const audio = await engine.generateAsync({ text, sid: SID, speed: 1 });
        audioS += audio.samples.length / audio.sampleRate;
      }
    }),
  );
  const s = (performance.now() - t0) / 1000;
  return { synthesesPerS: requests / s, audioSecondsPerS: audioS / s };
}

const dir = await ensureNano();
let sherpa: SherpaModule | undefined;
let failure: string | undefined;
try {
  sherpa = await loadSherpa();
} catch (err) {
  failure = `sherpa-onnx-node is not installed or its native addon did not load: ${(err as Error).message}`;
}
const files = await writeSherpaModel(dir, path.resolve('.standin', 'nano-sherpa'));
if (sherpa && files.dataDir === undefined)
  failure = 'no espeak-ng-data folder found on this machine (sherpa phonemizes with espeak-ng)';

const rows: Array<Array<string | number>> = [];
const results: Record<string, unknown> = {
  // Relative names only: results are committed and must not carry this machine's paths.
  files: {
    model: path.relative(process.cwd(), files.model),
    voices: path.relative(process.cwd(), files.voices),
    tokens: path.relative(process.cwd(), files.tokens),
    espeakData: files.dataDir ? 'found' : 'missing',
  },
};
const targets: Target[] = [];
if (sherpa && !failure) {
  const make = (numThreads: number) => createSherpaEngine(sherpa!, files, numThreads);
  const shapes = {
    [`1 engine × ${cores} threads`]: [make(cores)],
    [`${cores} engines × 1 thread`]: Array.from({ length: cores }, () => make(1)),
  };
  const oneThread = shapes[`${cores} engines × 1 thread`]!;
  for (const engine of oneThread)
    await engine.generateAsync({ text: SENTENCES.short, sid: SID, speed: 1 });
  const latency: number[] = [];
  await oneThread[0]!.generateAsync({ text: SENTENCES.medium, sid: SID, speed: 1 });
  for (let i = 0; i < LATENCY_REPEATS; i++) {
    const t0 = performance.now();
    await oneThread[0]!.generateAsync({ text: SENTENCES.medium, sid: SID, speed: 1 });
    latency.push(performance.now() - t0);
  }
  const sherpaRuns: Record<
    string,
    Record<number, { synthesesPerS: number; audioSecondsPerS: number }>
  > = {};
  for (const [shape, engines] of Object.entries(shapes)) {
    sherpaRuns[shape] = {};
    for (const c of [1, 4])
      sherpaRuns[shape][c] = await sherpaLoop(engines, SENTENCES.short, c, REQUESTS);
  }
  const server = await startServerProcess({
    kind: 'gateway',
    env: gatewayEnv({ workers: cores, threadsPerWorker: 1 }),
  });
  const gateway: Record<number, { synthesesPerS: number; audioSecondsPerS: number }> = {};
  let gatewayLatency: number;
  try {
    await Promise.all(Array.from({ length: cores * 2 }, () => generateOnce(server.url, body)));
    const t: number[] = [];
    await generateOnce(server.url, { ...body, text: SENTENCES.medium });
    for (let i = 0; i < LATENCY_REPEATS; i++)
      t.push((await generateOnce(server.url, { ...body, text: SENTENCES.medium })).ms);
    gatewayLatency = median(t);
    for (const c of [1, 4]) {
      const r = await closedLoop({ url: server.url, body, concurrency: c, requests: REQUESTS });
      gateway[c] = {
        synthesesPerS: r.completed / (r.elapsedMs / 1000),
        audioSecondsPerS: r.audioSeconds / (r.elapsedMs / 1000),
      };
    }
  } finally {
    await server.close();
  }
  const best = (c: number) =>
    Math.max(...Object.values(sherpaRuns).map((r) => r[c]!.synthesesPerS));
  for (const [shape, runs] of Object.entries(sherpaRuns)) {
    rows.push([
      `sherpa-onnx-node, ${shape}`,
      shape.includes('1 thread') ? round(median(latency), 0) : '',
      round(runs[1]!.synthesesPerS, 2),
      round(runs[4]!.synthesesPerS, 2),
      round(runs[4]!.audioSecondsPerS, 1),
    ]);
  }
  rows.push([
    `gateway /api/generate, ${cores} workers × 1 thread`,
    round(gatewayLatency, 0),
    round(gateway[1]!.synthesesPerS, 2),
    round(gateway[4]!.synthesesPerS, 2),
    round(gateway[4]!.audioSecondsPerS, 1),
  ]);
  const ratio = gateway[4]!.synthesesPerS / best(4);
  const ratioOneEngine =
    gateway[4]!.synthesesPerS / sherpaRuns[`1 engine × ${cores} threads`]![4]!.synthesesPerS;
  Object.assign(results, {
    sherpaLatencyMs: latency,
    sherpaRuns,
    gateway,
    gatewayLatencyMs: gatewayLatency,
    ratioAt4: ratio,
    ratioAt4OneEngine: ratioOneEngine,
  });
  targets.push({
    name: 'throughput vs sherpa-onnx-node (best shape), 4 concurrent',
    goal: '≥ 1.3×',
    measured: `${round(ratio, 2)}× (vs one sherpa engine × ${cores} threads: ${round(ratioOneEngine, 2)}×)`,
    met: ratio >= 1.3,
  });
} else {
  results.failure = failure;
}
writeResult({
  name: 'sherpa',
  question: '8. sherpa-onnx-node on the same stand-in model',
  params: { requests: REQUESTS, loadSentence: 'short', latencySentence: 'medium', sid: SID },
  results,
  targets,
  notes: failure ? [failure] : [],
  markdown: failure
    ? `sherpa-onnx-node could not be run: ${failure}`
    : table(
        [
          'engine',
          'medium latency ms (1 thread)',
          'syntheses/s @1',
          'syntheses/s @4',
          'audio s/s @4',
        ],
        rows,
      ),
});
