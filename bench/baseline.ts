// Question 4: the seed's architecture as a baseline. The same model run on the event loop behind the
// same /api/generate and /api/health routes (bench/lib/seed-app.ts, onnxruntime's default of one
// intra-op thread per core), against the gateway (2 workers × 1 thread), under the same load: 8
// closed-loop synthesis clients plus a /api/health probe every 100 ms.
import os from 'node:os';
import { closedLoop, generateOnce, probe } from './lib/load.js';
import { table, writeResult } from './lib/results.js';
import { SENTENCES } from './lib/sentences.js';
import { startServerProcess, type ServerSpec } from './lib/server-process.js';
import { ensureNano, gatewayEnv, MODEL_ID, VOICE } from './lib/standin-model.js';
import { percentile, round } from './lib/stats.js';

const CLIENTS = 8;
const REQUESTS = 24;
const PROBE_INTERVAL_MS = 100;
const body = { text: SENTENCES.short, model: MODEL_ID, voice: VOICE, speed: 1 };
const cores = os.availableParallelism();

interface Side {
  synthesesPerS: number;
  audioSecondsPerS: number;
  generateP50Ms: number;
  generateP99Ms: number;
  healthP50Ms: number;
  healthP99Ms: number;
  healthMaxMs: number;
  healthSamples: number;
}

async function measure(spec: ServerSpec): Promise<Side> {
  const server = await startServerProcess(spec);
  try {
    await Promise.all(Array.from({ length: cores * 2 }, () => generateOnce(server.url, body)));
    const prober = probe(server.url, '/api/health', PROBE_INTERVAL_MS);
    const r = await closedLoop({ url: server.url, body, concurrency: CLIENTS, requests: REQUESTS });
    const health = await prober.stop();
    if (r.failed > 0) throw new Error(`${r.failed} requests failed (${spec.kind})`);
    return {
      synthesesPerS: r.completed / (r.elapsedMs / 1000),
      audioSecondsPerS: r.audioSeconds / (r.elapsedMs / 1000),
      generateP50Ms: percentile(r.latenciesMs, 50),
      generateP99Ms: percentile(r.latenciesMs, 99),
      healthP50Ms: percentile(health, 50),
      healthP99Ms: percentile(health, 99),
      healthMaxMs: Math.max(...health),
      healthSamples: health.length,
    };
  } finally {
    await server.close();
  }
}

await ensureNano();
const seed = await measure({ kind: 'seed', intraOpThreads: cores });
// For contrast only: the seed's shape with one intra-op thread (the target uses the faithful one).
const seedOneThread = await measure({ kind: 'seed', intraOpThreads: 1 });
const gateway = await measure({
  kind: 'gateway',
  env: gatewayEnv({ workers: cores, threadsPerWorker: 1 }),
});
const ratio = gateway.synthesesPerS / seed.synthesesPerS;
const row = (name: string, s: Side) => [
  name,
  round(s.synthesesPerS, 2),
  round(s.audioSecondsPerS, 1),
  round(s.generateP50Ms, 0),
  round(s.generateP99Ms, 0),
  round(s.healthP50Ms, 1),
  round(s.healthP99Ms, 1),
];
writeResult({
  name: 'baseline',
  question: `4. Seed architecture (inference on the event loop) vs the gateway, ${CLIENTS} clients`,
  params: {
    clients: CLIENTS,
    requests: REQUESTS,
    sentence: 'short',
    probeIntervalMs: PROBE_INTERVAL_MS,
    seedIntraOpThreads: cores,
    gatewayWorkers: cores,
  },
  results: { seed, seedOneThread, gateway, throughputRatio: ratio },
  targets: [
    {
      name: 'throughput vs event-loop baseline (8 clients)',
      goal: '≥ 1.3×',
      measured: `${round(ratio, 2)}×`,
      met: ratio >= 1.3,
    },
    {
      name: '/api/health p99 under load (gateway; baseline for contrast)',
      goal: '≤ 20 ms',
      measured: `${round(gateway.healthP99Ms, 1)} ms (baseline ${round(seed.healthP99Ms, 1)} ms)`,
      met: gateway.healthP99Ms <= 20,
    },
  ],
  markdown: table(
    [
      'server',
      'syntheses/s',
      'audio s/s',
      'generate p50 ms',
      'generate p99 ms',
      'health p50 ms',
      'health p99 ms',
    ],
    [
      row(`seed baseline (event loop, ${cores} intra-op threads, onnxruntime's default)`, seed),
      row('seed baseline with 1 intra-op thread (contrast)', seedOneThread),
      row(`gateway (${cores} workers × 1 thread)`, gateway),
    ],
  ),
});
