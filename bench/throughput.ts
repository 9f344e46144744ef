// Question 3: throughput scaling. Syntheses/s and audio-seconds/s for closed-loop clients at
// concurrency 1, 2, 4, 8 against the gateway with 1 and 2 workers (one intra-op thread each), and a
// single request's latency with 1 vs 2 intra-op threads in one worker.
import { closedLoop, generateOnce } from './lib/load.js';
import { rawParallel } from './lib/raw-parallel.js';
import { table, writeResult } from './lib/results.js';
import { SENTENCES } from './lib/sentences.js';
import { startServerProcess } from './lib/server-process.js';
import { ensureNano, gatewayEnv, MODEL_ID, VOICE } from './lib/standin-model.js';
import { median, percentile, round } from './lib/stats.js';

const CONCURRENCY = [1, 2, 4, 8];
const REQUESTS = 12;
const LATENCY_REPEATS = 3;
const loadBody = { text: SENTENCES.short, model: MODEL_ID, voice: VOICE, speed: 1 };
const latencyBody = { ...loadBody, text: SENTENCES.medium };

async function warm(url: string, workers: number): Promise<void> {
  // One request per worker at once, so every worker has loaded the model before timing starts.
  await Promise.all(Array.from({ length: workers * 2 }, () => generateOnce(url, loadBody)));
}

async function singleLatency(url: string): Promise<number> {
  await generateOnce(url, latencyBody);
  const times: number[] = [];
  for (let i = 0; i < LATENCY_REPEATS; i++) times.push((await generateOnce(url, latencyBody)).ms);
  return median(times);
}

const dir = await ensureNano();
const scaling: Array<Record<string, number>> = [];
const latency: Record<string, number> = {};
for (const workers of [1, 2]) {
  const server = await startServerProcess({
    kind: 'gateway',
    env: gatewayEnv({ workers, threadsPerWorker: 1 }),
  });
  try {
    await warm(server.url, workers);
    for (const concurrency of CONCURRENCY) {
      const r = await closedLoop({
        url: server.url,
        body: loadBody,
        concurrency,
        requests: REQUESTS,
      });
      if (r.failed > 0)
        throw new Error(`${r.failed} requests failed at workers=${workers} c=${concurrency}`);
      const seconds = r.elapsedMs / 1000;
      scaling.push({
        workers,
        concurrency,
        synthesesPerS: r.completed / seconds,
        audioSecondsPerS: r.audioSeconds / seconds,
        p50Ms: percentile(r.latenciesMs, 50),
        p99Ms: percentile(r.latenciesMs, 99),
      });
    }
    if (workers === 1) latency.threads1 = await singleLatency(server.url);
  } finally {
    await server.close();
  }
}
const twoThreads = await startServerProcess({
  kind: 'gateway',
  env: gatewayEnv({ workers: 1, threadsPerWorker: 2 }),
});
try {
  latency.threads2 = await singleLatency(twoThreads.url);
} finally {
  await twoThreads.close();
}

// The cores' own ceiling: the same sentence on 1 and 2 bare onnxruntime sessions in 2 threads.
const raw1 = await rawParallel(dir, SENTENCES.short, 1, 6);
const raw2 = await rawParallel(dir, SENTENCES.short, 2, 6);
const rawScaling = raw2.synthesesPerS / raw1.synthesesPerS;

const at = (workers: number, concurrency: number) =>
  scaling.find((s) => s.workers === workers && s.concurrency === concurrency)!;
const speedup8 = at(2, 8).synthesesPerS! / at(1, 8).synthesesPerS!;
const rows = scaling.map((s) => [
  s.workers!,
  s.concurrency!,
  round(s.synthesesPerS!, 2),
  round(s.audioSecondsPerS!, 1),
  round(s.p50Ms!, 0),
  round(s.p99Ms!, 0),
]);
const threadRows = [
  ['1 worker × 1 thread', round(latency.threads1!, 0)],
  ['1 worker × 2 threads', round(latency.threads2!, 0)],
];
writeResult({
  name: 'throughput',
  question: '3. Throughput scaling (workers × concurrency) and intra-op threads for one request',
  params: {
    requestsPerPoint: REQUESTS,
    loadSentence: 'short',
    latencySentence: 'medium',
    latencyRepeats: LATENCY_REPEATS,
  },
  results: {
    scaling,
    singleRequestLatencyMs: latency,
    speedupAt8: speedup8,
    rawParallel: [raw1, raw2],
    rawScaling,
  },
  targets: [
    {
      name: '2 workers vs 1 worker throughput (8 concurrent)',
      goal: '≥ 1.8×',
      measured: `${round(speedup8, 2)}× (${round(at(2, 8).synthesesPerS!, 2)} vs ${round(at(1, 8).synthesesPerS!, 2)} syntheses/s; bare onnxruntime in 2 threads: ${round(rawScaling, 2)}×)`,
      met: speedup8 >= 1.8,
    },
  ],
  markdown: [
    table(['workers', 'concurrency', 'syntheses/s', 'audio s/s', 'p50 ms', 'p99 ms'], rows),
    '',
    'Single request (medium sentence), p50 of ' + LATENCY_REPEATS + ':',
    '',
    table(['configuration', 'latency ms'], threadRows),
    '',
    "The cores' ceiling, bare onnxruntime sessions in worker threads (no gateway), short sentence:",
    '',
    table(
      ['threads', 'syntheses/s', 'scaling'],
      [
        [1, round(raw1.synthesesPerS, 2), '1×'],
        [2, round(raw2.synthesesPerS, 2), `${round(rawScaling, 2)}×`],
      ],
    ),
  ].join('\n'),
});
