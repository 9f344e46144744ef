// The app in process, through app.request(), over a fake Engine: what the HTTP layer itself
// decides — routing, both error envelopes, body limits, session ownership, the refusing app —
// where a live server and real workers add nothing (test/http/api.test.ts and friends run those).
import { describe, expect, it } from 'vitest';
import type { ChunkSink, Engine, SynthesisRequest } from '../../src/engine/engine.js';
import { loadConfig } from '../../src/config.js';
import { GatewayError } from '../../src/errors.js';
import { GenerationStats } from '../../src/ops/generation-stats.js';
import { createApp, createRefusingApp } from '../../src/http/app.js';
import type { AppDeps } from '../../src/http/deps.js';
import { createSchemas } from '../../src/http/schemas.js';
import { Metrics } from '../../src/ops/metrics.js';
import { SessionRegistry } from '../../src/session/session-registry.js';
import { TtsSession } from '../../src/session/tts-session.js';
import { FakeEngine, fakeSamples } from '../session/fake-engine.js';

const MODEL = 'kitten-tts-nano';

/** The session fake, with what the routers ask of a whole Engine; 'kitten-tts-mini' never loads. */
class FakeAppEngine extends FakeEngine implements Engine {
  constructor() {
    super(() => 0);
  }
  async synthesizeEach(request: SynthesisRequest, onChunk: ChunkSink) {
    const { samples, ...summary } = await this.synthesize(request);
    onChunk(samples, 0, summary.chunks[0]?.words ?? []);
    return summary;
  }
  async ensureModel(modelId: string): Promise<number> {
    if (modelId === 'kitten-tts-mini') throw new GatewayError(500, 'internal', 'mini is broken');
    return 0;
  }
  measuredAudioSPerS(): number | undefined {
    return undefined;
  }
  stats() {
    return { workers: 1, busyWorkers: 0, queued: 0, completed: this.calls.length };
  }
  cacheStats() {
    return { hits: 3, misses: 1, evictions: 0, bytes: 0, entries: 1 };
  }
  async close(): Promise<void> {}
}

function inProcessApp(env: Record<string, string> = {}) {
  const config = loadConfig({ HF_HUB_OFFLINE: '1', KITTENTTS_MAX_BODY_BYTES: '4096', ...env });
  const engine = new FakeAppEngine();
  const ids = [MODEL, 'kitten-tts-mini'];
  const sessions = new SessionRegistry<TtsSession>({ ttlMs: 60_000 });
  const deps: AppDeps = {
    config,
    engine,
    catalog: {
      defaultId: MODEL,
      ids: () => ids,
      list: () => [],
      loadedModels: () => [MODEL],
      modelLoadTimes: () => ({}),
      cacheSizeBytes: async () => 0,
    },
    stats: new GenerationStats(),
    schemas: createSchemas({ modelIds: ids, defaultModelId: MODEL, maxTextChars: 1000 }),
    sessions,
    openSession: (options) => new TtsSession(engine, options),
    metrics: new Metrics({
      queueDepth: () => 0,
      busyWorkers: () => 0,
      workers: () => 1,
      liveSessions: () => sessions.size,
      modelLoadTimes: () => ({}),
    }),
    readiness: () => Promise.resolve({ ready: true, body: { status: 'ready' } }),
  };
  return { app: createApp(deps), engine, sessions };
}

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

describe('the app in process', () => {
  it("answers /api/generate with the engine's audio as a WAV, without any worker", async () => {
    const { app, engine } = inProcessApp();
    const res = await app.request('/api/generate', json({ text: 'Hello there.' }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { audio_base64: string; sample_rate: number };
    const wav = Buffer.from(body.audio_base64, 'base64');
    const pcm = new Int16Array(wav.buffer, wav.byteOffset + 44, (wav.length - 44) / 2);
    expect(pcm.length).toBe(fakeSamples('Hello there.').length);
    expect(body.sample_rate).toBe(24000);
    expect(engine.texts()).toEqual(['Hello there.']);
  });

  it('answers bad input with {detail} under /api and with OpenAI’s envelope under /v1', async () => {
    const { app } = inProcessApp();
    const api = await app.request('/api/generate', json({ text: 'Hi.', spead: 2 }));
    expect(api.status).toBe(400);
    expect(Object.keys(await api.json())).toEqual(['detail']);
    const v1 = await app.request('/v1/audio/speech', json({ model: 'tts-1', voice: 'alloy' }));
    expect(v1.status).toBe(400);
    const { error } = (await v1.json()) as { error: Record<string, unknown> };
    expect(error).toMatchObject({ type: 'invalid_request_error', param: 'input' });
  });

  it('refuses an oversized body with 413 and Connection: close in both envelopes', async () => {
    const { app } = inProcessApp();
    const big = json({ text: 'x'.repeat(5000) });
    const api = await app.request('/api/generate', big);
    expect(api.status).toBe(413);
    expect(api.headers.get('connection')).toBe('close');
    expect(await api.json()).toHaveProperty('detail');
    const v1 = await app.request('/v1/audio/speech', { ...big });
    expect(v1.status).toBe(413);
    expect(await v1.json()).toHaveProperty('error.message');
  });

  it('answers unknown routes with 404 in the door’s envelope', async () => {
    const { app } = inProcessApp();
    expect(await (await app.request('/api/nope')).json()).toEqual({
      detail: 'Not found: GET /api/nope',
    });
    const v1 = await app.request('/v1/nope');
    expect(v1.status).toBe(404);
    expect(await v1.json()).toHaveProperty('error.message');
  });

  it('turns a model that fails to load into a 500 naming it, before any byte of audio', async () => {
    const { app } = inProcessApp();
    const res = await app.request(
      '/v1/audio/speech',
      json({ model: 'kitten-tts-mini', voice: 'Bella', input: 'Hello.' }),
    );
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      'mini is broken',
    );
  });

  it('gives a streaming session only to the API key that started it', async () => {
    const { app, sessions } = inProcessApp({ KITTENTTS_API_KEYS: 'key-a,key-b' });
    const start = await app.request('/api/stream/start', {
      method: 'POST',
      headers: { 'x-api-key': 'key-a' },
    });
    const { session_id } = (await start.json()) as { session_id: string };
    const chunk = (key: string) =>
      app.request(
        `/api/stream/chunk?session_id=${session_id}`,
        json({ text: 'Hi' }, { 'x-api-key': key }),
      );
    expect((await chunk('key-b')).status).toBe(404);
    expect((await chunk('key-a')).status).toBe(200);
    const end = (key: string) =>
      app.request(`/api/stream/end/${session_id}`, {
        method: 'DELETE',
        headers: { 'x-api-key': key },
      });
    expect((await end('key-b')).status).toBe(404);
    expect(sessions.size).toBe(1);
    expect((await end('key-a')).status).toBe(200);
    expect(sessions.size).toBe(0);
  });
});

describe('/api/stats in process', () => {
  it("adds the synthesis cache's hit ratio to the seed's shape", async () => {
    const { app } = inProcessApp();
    const body = (await (await app.request('/api/stats')).json()) as Record<string, unknown>;
    expect(body.synthesis_cache).toMatchObject({ hits: 3, misses: 1, hit_ratio: 0.75 });
    expect(body).toHaveProperty('generation_stats');
  });
});

describe('the refusing app (while draining)', () => {
  it('answers every request with a complete 503, Retry-After and Connection: close, in the door’s envelope', async () => {
    const app = createRefusingApp();
    const api = await app.request('/api/generate', json({ text: 'Hi.' }));
    expect(api.status).toBe(503);
    expect(api.headers.get('retry-after')).toBe('5');
    expect(api.headers.get('connection')).toBe('close');
    expect(Object.keys(await api.json())).toEqual(['detail']);
    const v1 = await app.request('/v1/audio/speech', json({}));
    expect(v1.status).toBe(503);
    expect(await v1.json()).toHaveProperty('error.type', 'server_error');
  });
});
