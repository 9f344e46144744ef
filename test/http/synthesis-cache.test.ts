// The synthesis cache in a running gateway (real workers, tiny stand-in): hits equal the misses
// that filled them, every key part matters, identical requests share one inference, every door
// uses it, the warm-up file fills it, and the setting 0 leaves the gateway as it was.
// Worker tasks are counted from /metrics (kittentts_chunks_total counts chunks run on a worker).
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, TINY_DIR, type TestGateway } from '../helpers/gateway.js';
import { fetchJson, postJson } from '../helpers/http.js';
import { wsClient } from '../helpers/ws-client.js';

interface Generated {
  audio_base64: string;
}

async function workerChunks(gw: TestGateway): Promise<number> {
  const text = await (await fetch(`${gw.url}/metrics`)).text();
  return [...text.matchAll(/^kittentts_chunks_total\{[^}]*\} (\d+)/gm)].reduce(
    (n, m) => n + Number(m[1]),
    0,
  );
}

async function cacheStats(gw: TestGateway) {
  const { body } = await fetchJson<{ synthesis_cache: Record<string, number> }>(
    `${gw.url}/api/stats`,
  );
  return body.synthesis_cache;
}

const generate = async (gw: TestGateway, body: Record<string, unknown>) => {
  const res = await postJson(`${gw.url}/api/generate`, body);
  expect(res.status).toBe(200);
  return ((await res.json()) as Generated).audio_base64;
};

let gw: TestGateway;
let warmupGw: TestGateway;
const WARM = 'Let me check that for you.';

beforeAll(async () => {
  const env = {
    KITTENTTS_SYNTH_CACHE_MB: '16',
    KITTENTTS_METRICS_PUBLIC: '1',
    KITTENTTS_MODEL_DIRS: `kitten-tts-nano=${TINY_DIR},kitten-tts-micro=${TINY_DIR}`,
  };
  gw = await startTestGateway(env);
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'kitten-warm-')), 'warm.jsonl');
  writeFileSync(file, `# greetings\n${JSON.stringify({ voice: 'Jasper', texts: [WARM] })}\n`);
  warmupGw = await startTestGateway({ ...env, KITTENTTS_SYNTH_CACHE_WARMUP: file });
});

afterAll(async () => {
  await gw?.cleanup();
  await warmupGw?.cleanup();
});

describe('the synthesis cache', () => {
  it('answers a repeated phrase with the same audio and no worker task', async () => {
    const body = { text: 'Sure, one moment please.', voice: 'Bella' };
    const first = await generate(gw, body);
    const before = await workerChunks(gw);
    const again = await generate(gw, body);
    expect(again).toBe(first);
    expect(await workerChunks(gw)).toBe(before);
    expect((await cacheStats(gw)).hits).toBeGreaterThanOrEqual(1);
  });

  it('misses when any one key part changes: model, voice, speed, text', async () => {
    const base = {
      text: 'I have 2 cats at home.',
      voice: 'Bella',
      speed: 1,
      model: 'kitten-tts-nano',
    };
    await generate(gw, base);
    const variants = [
      { model: 'kitten-tts-micro' },
      { voice: 'Jasper' },
      { speed: 1.25 },
      { text: 'I have 3 cats at home.' },
    ];
    for (const change of variants) {
      const before = await workerChunks(gw);
      await generate(gw, { ...base, ...change });
      expect(await workerChunks(gw), JSON.stringify(change)).toBe(before + 1);
    }
    // Normalization on or off (no HTTP door switches it): test/engine/pool-engine.test.ts.
  });

  it('runs one inference for identical requests that arrive together', async () => {
    const text = 'Twenty speakers announce the very same sentence.';
    const before = await workerChunks(gw);
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => generate(gw, { text, voice: 'Leo' })),
    );
    expect(new Set(answers).size).toBe(1);
    expect(await workerChunks(gw)).toBe(before + 1);
  });

  it('serves the streaming doors from the same cache, in the session order', async () => {
    const phrase = 'The garage door is open.';
    await generate(gw, { text: phrase, voice: 'Bella' });
    const before = await workerChunks(gw);
    const c = wsClient(gw.url, { query: { voice: 'Bella', first_chunk: 'sentence' } });
    await c.ready;
    c.send({ type: 'text', text: `${phrase} And the lights are off. ${phrase}` });
    c.send({ type: 'end' });
    expect(await c.closed).toBe(1000);
    const texts = c.json.filter((m) => m.type === 'audio').map((m) => m.text);
    expect(texts).toEqual([phrase, 'And the lights are off.', phrase]);
    expect(await workerChunks(gw)).toBe(before + 1); // only the new sentence ran
  });

  it('fills itself from the warm-up file at start-up', async () => {
    const deadline = Date.now() + 20_000;
    while (((await cacheStats(warmupGw)).entries ?? 0) < 1 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const before = await workerChunks(warmupGw);
    await generate(warmupGw, { text: WARM, voice: 'Jasper' });
    expect(await workerChunks(warmupGw)).toBe(before);
  });

  it('leaves the warm-up out of /api/stats: only the client’s request counts', async () => {
    // The previous test waited for the warm-up and made exactly one request.
    const { body } = await fetchJson<{ generation_stats: { total_requests: number } }>(
      `${warmupGw.url}/api/stats`,
    );
    expect(body.generation_stats.total_requests).toBe(1);
  });
});

describe('with the cache off (KITTENTTS_SYNTH_CACHE_MB=0)', () => {
  it('runs every repeated phrase on a worker and reports nothing cached', async () => {
    const off = await startTestGateway({ KITTENTTS_METRICS_PUBLIC: '1' });
    try {
      const body = { text: 'Sure, one moment please.', voice: 'Bella' };
      const first = await generate(off, body);
      const before = await workerChunks(off);
      expect(await generate(off, body)).toBe(first); // the stand-in is deterministic
      expect(await workerChunks(off)).toBe(before + 1);
      expect(await cacheStats(off)).toMatchObject({ hits: 0, misses: 0, entries: 0 });
    } finally {
      await off.cleanup();
    }
  });
});
