// Saved voices on a real gateway (port 0, real workers): save, list, use, delete; the 409 and
// 400 cases; a restart on the same cache dir keeps them; behind the API key when keys are on.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SAVED_VOICES } from '../../src/saved-voices/saved-voice-rules.js';
import { SAVED_VOICES_FILE } from '../../src/saved-voices/saved-voice-store.js';
import { parseWav, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { fetchJson, postJson } from '../helpers/http.js';

let cacheDir: string;
let gw: TestGateway;
beforeAll(async () => {
  cacheDir = mkdtempSync(path.join(os.tmpdir(), 'kitten-saved-'));
  gw = await startTestGateway({ KITTENTTS_CACHE_DIR: cacheDir });
});
afterAll(async () => {
  await gw?.cleanup();
  rmSync(cacheDir, { recursive: true, force: true });
});

const save = (name: unknown, voice: unknown, url = gw.url) =>
  fetchJson<Record<string, unknown>>(`${url}/v1/voices`, { method: 'POST', json: { name, voice } });
const remove = (name: string) => fetch(`${gw.url}/v1/voices/${name}`, { method: 'DELETE' });

async function samples(voice: string, url = gw.url): Promise<Int16Array> {
  const res = await postJson(`${url}/api/generate`, { text: 'Saved voices work.', voice });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { audio_base64: string };
  return parseWav(Buffer.from(body.audio_base64, 'base64')).samples;
}

type Listed = { voice_id: string; name: string; category: string; blend?: string };
const savedListed = async (url = gw.url) =>
  (await fetchJson<{ voices: Listed[] }>(`${url}/v1/voices`)).body.voices.filter(
    (v) => v.category === 'saved',
  );

describe('saved voices', () => {
  it('saves a blend under a name that then speaks as the blend does, on every listing', async () => {
    const created = await save('Narrator', 'Luna(2)+Jasper(1)');
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      voice_id: 'Narrator',
      name: 'Narrator',
      category: 'saved',
      blend: 'Luna(2)+Jasper(1)',
    });
    const all = (await fetchJson<{ voices: Listed[] }>(`${gw.url}/v1/voices`)).body.voices;
    expect(all.filter((v) => v.category === 'premade')).toHaveLength(8);
    expect(await savedListed()).toEqual([created.body]);
    const seed = (await fetchJson<{ voices: object[] }>(`${gw.url}/api/voices`)).body.voices;
    expect(seed).toHaveLength(9);
    expect(seed[8]).toEqual({
      id: 'Narrator',
      name: 'Narrator',
      gender: 'female',
      description: 'Blend: Luna(2)+Jasper(1)',
    });
    expect(await samples('Narrator')).toEqual(await samples('Luna(2)+Jasper(1)'));
    const speech = await postJson(`${gw.url}/v1/audio/speech`, {
      model: 'tts-1',
      input: 'Hi.',
      voice: 'Narrator',
    });
    expect(speech.status).toBe(200);
  });

  it('replaces a saved voice of the same name with 200 and deletes it with 204', async () => {
    expect((await save('Temp', 'Leo')).status).toBe(201);
    expect((await save('Temp', 'Kiki(1)+Leo(1)')).status).toBe(200);
    expect((await remove('Temp')).status).toBe(204);
    expect((await remove('Temp')).status).toBe(404);
    const res = await postJson(`${gw.url}/api/generate`, { text: 'Hi.', voice: 'Temp' });
    expect(res.status).toBe(400);
  });

  it('refuses to shadow a built-in voice with 409, in any case', async () => {
    for (const name of ['Luna', 'luna', 'expr-voice-2-m']) {
      const res = await save(name, 'Jasper');
      expect(res.status).toBe(409);
      expect(JSON.stringify(res.body)).toMatch(/built-in voice/);
    }
  });

  it('answers a bad name or blend with 400 naming the problem', async () => {
    const cases: [unknown, unknown, RegExp][] = [
      ['9lives', 'Luna', /name: must be/],
      ['has space', 'Luna', /name: must be/],
      ['Good', 'Luna+Nobody', /Nobody/],
      ['Good', 'Luna(x)', /Luna\(x\)/],
      ['Good', 'Narrator(1)+Leo', /Narrator/], // saved voices name built-in ones only
      ['Good', 42, /voice: must be/],
    ];
    for (const [name, voice, pattern] of cases) {
      const res = await save(name, voice);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toMatch(pattern);
    }
    expect((await savedListed()).map((v) => v.name)).toEqual(['Narrator']);
  });

  it('keeps them in a file under the cache dir that a restart reads back', async () => {
    const file = JSON.parse(readFileSync(path.join(cacheDir, SAVED_VOICES_FILE), 'utf8'));
    expect(file).toEqual({ voices: { Narrator: 'Luna(2)+Jasper(1)' } });
    const before = await samples('Narrator');
    await gw.cleanup();
    gw = await startTestGateway({ KITTENTTS_CACHE_DIR: cacheDir });
    expect((await savedListed()).map((v) => v.name)).toEqual(['Narrator']);
    expect(await samples('Narrator')).toEqual(before);
  });

  it(`holds at most ${MAX_SAVED_VOICES} voices`, async () => {
    const names = Array.from({ length: MAX_SAVED_VOICES - 1 }, (_, i) => `Fill${i}`);
    for (const name of names) expect((await save(name, 'Leo')).status).toBe(201);
    const full = await save('OneTooMany', 'Leo');
    expect(full.status).toBe(409);
    expect(JSON.stringify(full.body)).toMatch(/full/);
    for (const name of names) expect((await remove(name)).status).toBe(204);
  });
});

describe('saved voices behind API keys', () => {
  it('refuses the voices routes without the key', async () => {
    const keyed = await startTestGateway({ KITTENTTS_API_KEYS: 'sekret' });
    try {
      const post = await save('Keyed', 'Leo', keyed.url);
      expect(post.status).toBe(401);
      expect((await fetch(`${keyed.url}/v1/voices`)).status).toBe(401);
      const ok = await fetchJson(`${keyed.url}/v1/voices`, {
        method: 'POST',
        json: { name: 'Keyed', voice: 'Leo' },
        headers: { 'content-type': 'application/json', authorization: 'Bearer sekret' },
      });
      expect(ok.status).toBe(201);
    } finally {
      await keyed.cleanup();
    }
  });
});
