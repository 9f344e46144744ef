// The seed REST API (docs/api.md; the reference server's routes), exact shapes: health, models,
// voices, stats and one-shot generation returning base64 WAV. Inference happens in the worker
// pool; this file only validates, encodes and keeps the books. The generate answer holds only its
// PCM16 audio and is written in pieces (wav-json-body.ts).
import { Hono, type Context } from 'hono';
import { floatToPcm16 } from '../audio/index.js';
import { autoPhonemizerBackend } from '../kitten/frontend/phonemize.js';
import { VOICES } from '../kitten/voices.js';
import { round } from '../ops/generation-stats.js';
import type { CacheStats } from '../engine/synthesis-cache.js';
import { timedWords } from '../engine/word-timings.js';
import type { AppDeps } from './deps.js';
import { parseWith, queryObject, readJson } from './validate.js';
import { wavJsonBody } from './wav-json-body.js';
import { seedShapedSavedVoices } from './voices.js';

type ApiDeps = Pick<
  AppDeps,
  | 'catalog'
  | 'clusterStats'
  | 'config'
  | 'engine'
  | 'idleGc'
  | 'readiness'
  | 'savedVoices'
  | 'schemas'
  | 'stats'
>;

export function apiRoutes(deps: ApiDeps): Hono {
  const { catalog, stats, config, engine } = deps;
  const app = new Hono();

  // Liveness: always 200. `degraded` while a worker thread that died is being replaced (the
  // others keep serving meanwhile).
  app.get('/health', async (c) =>
    c.json({
      status: engine.stats().downWorkers > 0 ? 'degraded' : 'healthy',
      loaded_models: catalog.loadedModels(),
      cache_dir: config.cacheDir,
      cache_size_mb: round((await catalog.cacheSizeBytes()) / 1e6, 1),
    }),
  );

  // Readiness for load balancers and Kubernetes (readiness.ts); liveness stays /api/health.
  app.get('/ready', async (c) => {
    const q = parseWith(deps.schemas.readyQuery, queryObject(c));
    const r = await deps.readiness({ redisOptional: q.redis === 'optional' });
    if (r.ready) return c.json(r.body);
    c.header('Retry-After', '1');
    return c.json({ detail: r.detail }, 503);
  });

  app.get('/models', (c) => c.json({ models: catalog.list() }));

  // The seed's shape; saved voices (POST /v1/voices) follow the built-in ones, one more name each.
  app.get('/voices', async (c) =>
    c.json({
      voices: [
        ...VOICES.map(({ id, name, gender, description }) => ({ id, name, gender, description })),
        ...(await seedShapedSavedVoices(deps.savedVoices)),
      ],
    }),
  );

  app.get('/stats', async (c) =>
    c.json({
      // With Redis: the cluster's totals; `system` stays this replica's and names it.
      generation_stats: deps.clusterStats ? await deps.clusterStats.snapshot() : stats.snapshot(),
      system: {
        ...(deps.clusterStats ? { replica_id: config.replicaId } : {}),
        cache_directory: config.cacheDir,
        cache_size_mb: round((await catalog.cacheSizeBytes()) / 1e6, 1),
        loaded_models: catalog.loadedModels(),
        model_load_times: catalog.modelLoadTimes(),
        // The reference reports python_version; this runtime's honest equivalent:
        node_version: process.versions.node,
        memory_usage_mb: round(process.memoryUsage().rss / 1048576, 1),
        // native: the system libespeak-ng (upstream's); wasm: the bundled fallback (README).
        phonemizer_backend: autoPhonemizerBackend(),
      },
      available_models: catalog.ids(),
      available_voices: VOICES.map((v) => v.id),
      // Added to the seed's shape: how often a chunk's audio came from the synthesis cache.
      synthesis_cache: cacheReport(engine.cacheStats()),
    }),
  );

  app.post('/generate', async (c) => generate(c, deps));

  return app;
}

/** POST /api/generate: the whole answer as one JSON body, its WAV written in pieces. */
async function generate(c: Context, { schemas, engine, idleGc }: ApiDeps): Promise<Response> {
  const t0 = performance.now();
  const body = parseWith(schemas.generate, await readJson(c));
  // Each chunk becomes PCM16 as it arrives; the float audio is let go at once (see wav-json-body).
  const pcm: Int16Array[] = [];
  let samples = 0;
  const summary = await engine.synthesizeEach(
    {
      modelId: body.model,
      text: body.text,
      voice: body.voice,
      speed: body.speed,
      signal: c.req.raw.signal,
    },
    (chunk) => {
      pcm.push(floatToPcm16(chunk));
      samples += chunk.length;
    },
  );
  const { loadS, generationS } = summary.timings;
  const { body: json, length } = wavJsonBody(
    pcm,
    summary.sampleRateHz,
    {
      sample_rate: summary.sampleRateHz,
      duration: round(summary.durationS, 3),
      debug_info: {
        model_load_time: round(loadS, 3),
        generation_time: round(generationS, 3),
        total_time: round((performance.now() - t0) / 1000, 3),
        // As in the reference: seconds of audio per second of generation (higher is faster).
        real_time_factor: generationS > 0 ? round(summary.durationS / generationS, 2) : 0,
        audio_samples: samples,
        sample_rate: summary.sampleRateHz,
      },
      // Opt-in: each word, timed from the start of the whole audio.
      ...(body.timestamps ? { words: timedWords(summary.chunks, body.text) } : {}),
    },
    (bytes) => idleGc?.noteAnswer(bytes),
  );
  return c.body(json, 200, {
    'Content-Type': 'application/json',
    'Content-Length': String(length),
  });
}

function cacheReport(s: CacheStats) {
  const asked = s.hits + s.misses;
  return {
    hits: s.hits,
    misses: s.misses,
    hit_ratio: asked > 0 ? round(s.hits / asked, 4) : 0,
    evictions: s.evictions,
    entries: s.entries,
    size_mb: round(s.bytes / 1e6, 3),
  };
}
