// Question 15: REST sessions in Redis. (a) The latency a Redis-backed chunk call adds over an
// in-process one, side by side in one run: the same calls alternate between a gateway without
// Redis and one with it, with text that completes no sentence, so the session path is measured
// and not synthesis. (b) Throughput of 2 replicas × 1 worker (sessions in Redis) against 1 replica
// × 2 workers (sessions in memory) on the same cores, both behind the same HAProxy round robin:
// /api/generate, and REST sessions whose every chunk call completes one sentence.
import { startHaproxy, startRedis } from '../test/helpers/cluster.js';
import { fetchJson, postJson } from '../test/helpers/http.js';
import { closedLoop, generateOnce } from './lib/load.js';
import { table, writeResult } from './lib/results.js';
import { SENTENCES } from './lib/sentences.js';
import { startServerProcess, type ServerProcess } from './lib/server-process.js';
import { ensureNano, gatewayEnv, MODEL_ID, VOICE } from './lib/standin-model.js';
import { percentile, round, summarize } from './lib/stats.js';

const CALLS = Number(process.argv[process.argv.indexOf('--calls') + 1]) || 2000;
const REQUESTS = Number(process.argv[process.argv.indexOf('--requests') + 1]) || 48;
const CONCURRENCY = 8;
// A sentence over 400 characters is cut at a word: a new session before that (~9 characters a word).
const WORDS_PER_SESSION = 40;

const loadBody = { text: SENTENCES.short, model: MODEL_ID, voice: VOICE, speed: 1 };

async function startSession(url: string): Promise<string> {
  const r = await fetchJson<{ session_id: string }>(`${url}/api/stream/start?voice=${VOICE}`, {
    method: 'POST',
  });
  if (r.status !== 200) throw new Error(`start answered ${r.status}`);
  return r.body.session_id;
}

async function chunkMs(url: string, id: string, text: string): Promise<number> {
  const t0 = performance.now();
  const res = await postJson(`${url}/api/stream/chunk?session_id=${id}`, { text, flush: false });
  const body = (await res.json()) as { audio_chunks?: string[] };
  const ms = performance.now() - t0;
  if (res.status !== 200 || body.audio_chunks?.length !== 0)
    throw new Error(`chunk answered ${res.status} with ${body.audio_chunks?.length} chunks`);
  return ms;
}

/** (a): one word per call (no sentence ends), the two gateways in turn; a new session every 40 calls. */
async function latency(memory: ServerProcess, redis: ServerProcess) {
  const times = { memory: [] as number[], redis: [] as number[] };
  const ids = { memory: '', redis: '' };
  for (let i = -200; i < CALLS; i++) {
    if ((i + 200) % WORDS_PER_SESSION === 0) {
      ids.memory = await startSession(memory.url);
      ids.redis = await startSession(redis.url);
    }
    const word = `word${i + 200} `;
    const a = await chunkMs(memory.url, ids.memory, word);
    const b = await chunkMs(redis.url, ids.redis, word);
    if (i < 0) continue; // warm-up
    times.memory.push(a);
    times.redis.push(b);
  }
  return times;
}

/** (b) REST sessions through the balancer: each call completes exactly one sentence. */
async function sessionThroughput(url: string) {
  const sentence = `${SENTENCES.short} `;
  let issued = 0;
  let audio = 0;
  const latencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      const id = await startSession(url);
      // The first call leaves its sentence waiting for the next character; every later call completes one.
      await postJson(`${url}/api/stream/chunk?session_id=${id}`, { text: sentence });
      while (issued++ < REQUESTS) {
        const t = performance.now();
        const r = await postJson(`${url}/api/stream/chunk?session_id=${id}`, { text: sentence });
        const body = (await r.json()) as { audio_chunks: string[] };
        if (r.status !== 200 || body.audio_chunks.length !== 1)
          throw new Error(`chunk answered ${r.status}`);
        latencies.push(performance.now() - t);
        audio += 1;
      }
      await fetch(`${url}/api/stream/end/${id}`, { method: 'DELETE' });
    }),
  );
  return { callsPerS: (audio / (performance.now() - t0)) * 1000, p50Ms: percentile(latencies, 50) };
}

async function throughput(label: string, servers: ServerProcess[]) {
  const backends = servers.map((s, i) => ({ id: `r${i}`, port: Number(new URL(s.url).port) }));
  const lb = await startHaproxy(backends);
  try {
    await Promise.all(
      Array.from({ length: 4 }, () => generateOnce(lb.url, loadBody)), // every worker warm
    );
    const gen = await closedLoop({
      url: lb.url,
      body: loadBody,
      concurrency: CONCURRENCY,
      requests: REQUESTS,
    });
    if (gen.failed > 0) throw new Error(`${gen.failed} generate requests failed (${label})`);
    const sessions = await sessionThroughput(lb.url);
    return {
      label,
      generatePerS: gen.completed / (gen.elapsedMs / 1000),
      generateP50Ms: percentile(gen.latenciesMs, 50),
      sessionCallsPerS: sessions.callsPerS,
      sessionP50Ms: sessions.p50Ms,
    };
  } finally {
    await lb.stop();
  }
}

await ensureNano();
const redisServer = await startRedis();
const withRedis = { KITTENTTS_REDIS_URL: redisServer.url };
// Real-time admission is per replica and skipped for sessions in Redis (docs/scaling-out.md "Sessions across
// replicas"): off for both, so both take the same load.
const noAdmission = { KITTENTTS_MAX_REALTIME_SESSIONS: '1000' };
try {
  // (a) one worker each; nothing is synthesized.
  const memory = await startServerProcess({ kind: 'gateway', env: gatewayEnv({ workers: 1 }) });
  const redis = await startServerProcess({
    kind: 'gateway',
    env: gatewayEnv({ workers: 1, extra: withRedis }),
  });
  const times = await latency(memory, redis).finally(() =>
    Promise.all([memory.close(), redis.close()]),
  );
  const m = summarize(times.memory);
  const r = summarize(times.redis);
  const addedP50 = r.p50 - m.p50;

  // (b) the same 2 cores either way.
  const one = await startServerProcess({
    kind: 'gateway',
    env: gatewayEnv({ workers: 2, extra: noAdmission }),
  });
  const single = await throughput('1 replica × 2 workers (sessions in memory)', [one]).finally(() =>
    one.close(),
  );
  const pair = await Promise.all(
    [0, 1].map(() =>
      startServerProcess({
        kind: 'gateway',
        env: gatewayEnv({ workers: 1, extra: { ...withRedis, ...noAdmission } }),
      }),
    ),
  );
  const double = await throughput('2 replicas × 1 worker (sessions in Redis)', pair).finally(() =>
    Promise.all(pair.map((p) => p.close())),
  );
  const ratio = double.generatePerS / single.generatePerS;
  const sessionRatio = double.sessionCallsPerS / single.sessionCallsPerS;

  writeResult({
    name: 'redis-sessions',
    question:
      '15. REST sessions in Redis: latency added per chunk call, 2 replicas × 1 worker vs 1 replica × 2 workers',
    params: { calls: CALLS, requests: REQUESTS, concurrency: CONCURRENCY, sentence: 'short' },
    results: { memory: m, redis: r, addedP50Ms: addedP50, throughput: [single, double] },
    targets: [
      {
        name: 'latency a Redis-backed chunk call adds over an in-process one (no sentence completed)',
        goal: 'p50 ≤ 2 ms',
        measured: `+${round(addedP50, 2)} ms (p50 ${m.p50} → ${r.p50} ms; p99 ${m.p99} → ${r.p99} ms)`,
        met: addedP50 <= 2,
      },
      {
        name: '2 replicas × 1 worker (Redis) vs 1 replica × 2 workers, /api/generate through HAProxy',
        goal: 'report',
        measured: `${round(ratio, 2)}× (${round(double.generatePerS, 2)} vs ${round(single.generatePerS, 2)} syntheses/s); REST chunk calls ${round(sessionRatio, 2)}×`,
        met: true,
      },
    ],
    markdown: [
      `Chunk calls without a completed sentence (${CALLS} each, alternating, one word per call, a new session every ${WORDS_PER_SESSION}):`,
      '',
      table(
        ['sessions', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
        [
          ['in memory', m.p50, m.p90, m.p99, m.max],
          ['in Redis (localhost)', r.p50, r.p90, r.p99, r.max],
        ],
      ),
      '',
      `Throughput on the same 2 cores behind HAProxy (round robin), ${CONCURRENCY} clients, ${REQUESTS} requests each workload, short sentence:`,
      '',
      table(
        [
          'configuration',
          '/api/generate syntheses/s',
          'generate p50 ms',
          'REST chunk calls/s (1 sentence each)',
          'chunk p50 ms',
        ],
        [single, double].map((t) => [
          t.label,
          round(t.generatePerS, 2),
          round(t.generateP50Ms, 0),
          round(t.sessionCallsPerS, 2),
          round(t.sessionP50Ms, 0),
        ]),
      ),
      '',
      '_Latency: both gateways run 1 worker and are called in turn; a Redis-backed call makes three Redis round trips (lock and read the record in one script, commit, release) besides what an in-process call does. Throughput: on one machine the two replica processes (each with its own event loop, encoders and Redis client) and HAProxy take CPU from the same 2 cores their workers need, and REST calls also rebuild the session each time, so a ratio below 1 is expected here; replicas add machines, workers add cores._',
    ].join('\n'),
  });
} finally {
  await redisServer.stop();
}
