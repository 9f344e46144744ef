import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ESPEAK_LIBRARY_CANDIDATES } from '../../src/kitten/frontend/phonemize.js';
import { parseWav, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { postJson } from '../helpers/http.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.cleanup();
});

const post = (path: string, body: unknown, headers?: Record<string, string>) =>
  postJson(gw.url + path, body, headers ? { headers } : {});

async function expectDetail(res: Response, status: number, pattern: RegExp): Promise<void> {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { detail: unknown };
  expect(Object.keys(body)).toEqual(['detail']);
  expect(typeof body.detail).toBe('string');
  expect(body.detail).toMatch(pattern);
}

describe('GET /api/health', () => {
  it('reports status, loaded models, cache dir and cache size', async () => {
    const res = await fetch(`${gw.url}/api/health`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(Object.keys(body).sort()).toEqual([
      'cache_dir',
      'cache_size_mb',
      'loaded_models',
      'status',
    ]);
    expect(body.status).toBe('healthy');
    expect(Array.isArray(body.loaded_models)).toBe(true);
    expect(typeof body.cache_dir).toBe('string');
    expect(typeof body.cache_size_mb).toBe('number');
  });
});

describe('GET /api/models', () => {
  it('lists the four seed models with the reference fields', async () => {
    const body = await (await fetch(`${gw.url}/api/models`)).json();
    const ids = body.models.map((m: { id: string }) => m.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'kitten-tts-nano',
        'kitten-tts-mini',
        'kitten-tts-micro',
        'kitten-tts-nano-int8',
      ]),
    );
    for (const m of body.models) {
      expect(Object.keys(m).sort()).toEqual([
        'description',
        'id',
        'name',
        'params',
        'precision',
        'quality',
        'size',
      ]);
      for (const v of Object.values(m)) expect(typeof v).toBe('string');
    }
    const nano = body.models.find((m: { id: string }) => m.id === 'kitten-tts-nano');
    expect(nano).toMatchObject({
      name: 'Nano (FP32)',
      params: '15M',
      size: '56MB',
      precision: 'FP32',
      quality: 'best',
    });
  });
});

describe('GET /api/voices', () => {
  it('lists the eight voices with id, name, gender and description', async () => {
    const body = await (await fetch(`${gw.url}/api/voices`)).json();
    expect(body.voices.map((v: { id: string }) => v.id)).toEqual([
      'Bella',
      'Jasper',
      'Luna',
      'Bruno',
      'Rosie',
      'Hugo',
      'Kiki',
      'Leo',
    ]);
    expect(body.voices[0]).toEqual({
      id: 'Bella',
      name: 'Bella',
      gender: 'female',
      description: 'Warm & gentle',
    });
  });
});

describe('POST /api/generate', () => {
  it('returns base64 WAV, sample rate, duration and debug info', async () => {
    const res = await post('/api/generate', {
      text: 'Hello world! This is a test.',
      voice: 'Jasper',
      speed: 1.0,
      model: 'kitten-tts-nano',
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(Object.keys(body).sort()).toEqual([
      'audio_base64',
      'debug_info',
      'duration',
      'sample_rate',
    ]);
    expect(Object.keys(body.debug_info).sort()).toEqual(
      [
        'audio_samples',
        'generation_time',
        'model_load_time',
        'real_time_factor',
        'sample_rate',
        'total_time',
      ].sort(),
    );
    const wav = parseWav(Buffer.from(body.audio_base64, 'base64'));
    expect(wav).toMatchObject({ sampleRate: 24000, channels: 1, bitsPerSample: 16 });
    expect(body.sample_rate).toBe(24000);
    expect(body.debug_info.audio_samples).toBe(wav.samples.length);
    expect(body.duration).toBeCloseTo(wav.samples.length / 24000, 3);
    expect(body.debug_info.real_time_factor).toBeGreaterThan(0);
  });

  it('reports model load time only on the request that paid it', async () => {
    const fresh = await startTestGateway({ KITTENTTS_WORKERS: '1' });
    try {
      const first = await (await postJson(`${fresh.url}/api/generate`, { text: 'One.' })).json();
      const second = await (await postJson(`${fresh.url}/api/generate`, { text: 'Two.' })).json();
      expect(first.debug_info.model_load_time).toBeGreaterThan(0);
      expect(second.debug_info.model_load_time).toBe(0);
      expect(second.debug_info.total_time).toBeLessThan(first.debug_info.total_time + 1);
    } finally {
      await fresh.cleanup();
    }
  });

  it('accepts every display name and expr-voice key', async () => {
    const voices = [
      'Bella',
      'Jasper',
      'Luna',
      'Bruno',
      'Rosie',
      'Hugo',
      'Kiki',
      'Leo',
      'expr-voice-2-m',
      'expr-voice-5-f',
    ];
    const results = await Promise.all(
      voices.map((voice) => post('/api/generate', { text: 'Hi there.', voice })),
    );
    expect(results.map((r) => r.status)).toEqual(voices.map(() => 200));
  });

  it.each([
    ['empty text', { text: '' }, /text: must not be empty/],
    ['whitespace text', { text: ' \n\t ' }, /text: must not be empty/],
    ['missing text', { voice: 'Bella' }, /text/],
    ['numeric text', { text: 5 }, /text: must be a string/],
    ['speed too low', { text: 'Hi.', speed: 0.1 }, /speed: must be between 0.25 and 3/],
    ['speed too high', { text: 'Hi.', speed: 3.01 }, /speed: must be between 0.25 and 3/],
    ['speed as string', { text: 'Hi.', speed: 'fast' }, /speed: must be a number/],
    ['unknown voice', { text: 'Hi.', voice: 'Nobody' }, /unknown voice 'Nobody'.*Bella/],
    ['lower-case voice', { text: 'Hi.', voice: 'bella' }, /unknown voice/],
    [
      'unknown model',
      { text: 'Hi.', model: 'kitten-tts-huge' },
      /unknown model 'kitten-tts-huge'.*kitten-tts-nano/,
    ],
    ['unknown field', { text: 'Hi.', colour: 'blue' }, /unknown field 'colour'/],
    ['array body', [1, 2], /body/],
  ])('answers 400 {detail} for %s', async (_name, body, pattern) => {
    await expectDetail(await post('/api/generate', body), 400, pattern);
  });

  it('answers 400 for an infinite speed', async () => {
    await expectDetail(await post('/api/generate', '{"text":"Hi.","speed":1e999}'), 400, /speed/);
  });

  it('answers 400 for malformed JSON', async () => {
    await expectDetail(await post('/api/generate', '{"text": "Hi.",'), 400, /Malformed JSON/);
  });

  it('answers 413 for a body over the limit', async () => {
    await expectDetail(
      await post('/api/generate', { text: 'a'.repeat(2_000_000) }),
      413,
      /larger than/,
    );
  });

  it('answers 400 for text over the length limit', async () => {
    await expectDetail(
      await post('/api/generate', { text: 'word '.repeat(5000) }),
      400,
      /too long/,
    );
  });

  it('answers 500 naming the model when it cannot be loaded, and retries next time', async () => {
    const a = await post('/api/generate', { text: 'Hi.', model: 'kitten-tts-mini' });
    await expectDetail(a, 500, /kitten-tts-mini/);
    const b = await post('/api/generate', { text: 'Hi.', model: 'kitten-tts-mini' });
    await expectDetail(b, 500, /kitten-tts-mini/);
  });
});

describe('GET /api/stats', () => {
  it('counts syntheses and reports the system block', async () => {
    const before = (await (await fetch(`${gw.url}/api/stats`)).json()).generation_stats
      .total_requests;
    await post('/api/generate', { text: 'Counting this one.' });
    const body = await (await fetch(`${gw.url}/api/stats`)).json();
    expect(body.generation_stats.total_requests).toBe(before + 1);
    // The seed's keys, plus the synthesis cache's (an added field, the seed's shape kept).
    expect(Object.keys(body).sort()).toEqual([
      'available_models',
      'available_voices',
      'generation_stats',
      'synthesis_cache',
      'system',
    ]);
    expect(Object.keys(body.generation_stats).sort()).toEqual(
      [
        'avg_generation_time',
        'avg_rtf',
        'recent_requests',
        'total_audio_generated',
        'total_requests',
      ].sort(),
    );
    expect(Object.keys(body.system).sort()).toEqual(
      [
        'cache_directory',
        'cache_size_mb',
        'loaded_models',
        'memory_usage_mb',
        'model_load_times',
        'node_version',
        'phonemizer_backend',
      ].sort(),
    );
    // What the workers phonemize with: the system libespeak-ng when there is one.
    const native = ESPEAK_LIBRARY_CANDIDATES.some((p) => existsSync(p));
    expect(body.system.phonemizer_backend).toBe(native ? 'native' : 'wasm');
    expect(body.system.loaded_models).toContain('kitten-tts-nano');
    expect(typeof body.system.model_load_times['kitten-tts-nano']).toBe('number');
    expect(body.available_voices).toHaveLength(8);
  });
});

describe('the event loop', () => {
  it('answers /api/health again and again while one long synthesis runs', async () => {
    let longDone = false;
    const long = post('/api/generate', {
      text: 'This sentence keeps the worker busy for a while. '.repeat(40),
    }).finally(() => (longDone = true));
    await new Promise((r) => setTimeout(r, 100));
    const answeredWhileBusy: boolean[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${gw.url}/api/health`);
      expect(res.status).toBe(200);
      await res.json();
      answeredWhileBusy.push(!longDone);
    }
    expect((await long).status).toBe(200);
    // Inference never holds the event loop: every probe came back before the synthesis ended.
    expect(answeredWhileBusy).toEqual(Array(10).fill(true));
  });
});
