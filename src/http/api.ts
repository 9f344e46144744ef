// The seed REST API (shared/spec kittentts-api-reference.md), exact shapes: health, models,
// voices, stats and one-shot generation returning base64 WAV. Inference happens in the worker
// pool; this file only validates, encodes and keeps the books.
import { Hono } from 'hono';
import { encodeWav } from '../audio/index.js';
import { VOICES } from '../kitten/voices.js';
import { round } from '../generation-stats.js';
import type { AppDeps } from '../app.js';
import { parseWith, readJson } from './validate.js';

export function apiRoutes(deps: AppDeps): Hono {
  const { schemas, engine, catalog, stats, config } = deps;
  const app = new Hono();

  app.get('/health', async (c) =>
    c.json({
      status: 'healthy',
      loaded_models: catalog.loadedModels(),
      cache_dir: config.cacheDir,
      cache_size_mb: round((await catalog.cacheSizeBytes()) / 1e6, 1),
    }),
  );

  app.get('/models', (c) => c.json({ models: catalog.list() }));

  app.get('/voices', (c) =>
    c.json({ voices: VOICES.map(({ id, name, gender, description }) => ({ id, name, gender, description })) }),
  );

  app.get('/stats', async (c) =>
    c.json({
      generation_stats: stats.snapshot(),
      system: {
        cache_directory: config.cacheDir,
        cache_size_mb: round((await catalog.cacheSizeBytes()) / 1e6, 1),
        loaded_models: catalog.loadedModels(),
        model_load_times: catalog.modelLoadTimes(),
        // The reference reports python_version; this runtime's honest equivalent:
        node_version: process.versions.node,
        memory_usage_mb: round(process.memoryUsage().rss / 1048576, 1),
      },
      available_models: catalog.ids(),
      available_voices: VOICES.map((v) => v.id),
    }),
  );

  app.post('/generate', async (c) => {
    const t0 = performance.now();
    const body = parseWith(schemas.generate, await readJson(c));
    const synthesis = await engine.synthesize({
      modelId: body.model,
      text: body.text,
      voice: body.voice,
      speed: body.speed,
      signal: c.req.raw.signal,
    });
    const wav = encodeWav(synthesis.samples, synthesis.sampleRateHz);
    const { loadS, generationS } = synthesis.timings;
    return c.json({
      audio_base64: Buffer.from(wav.buffer, wav.byteOffset, wav.byteLength).toString('base64'),
      sample_rate: synthesis.sampleRateHz,
      duration: round(synthesis.durationS, 3),
      debug_info: {
        model_load_time: round(loadS, 3),
        generation_time: round(generationS, 3),
        total_time: round((performance.now() - t0) / 1000, 3),
        // As in the reference: seconds of audio per second of generation (higher is faster).
        real_time_factor: generationS > 0 ? round(synthesis.durationS / generationS, 2) : 0,
        audio_samples: synthesis.samples.length,
        sample_rate: synthesis.sampleRateHz,
      },
    });
  });

  return app;
}
