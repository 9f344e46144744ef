import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWav, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { postJson } from '../helpers/http.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ KITTENTTS_MAX_SESSIONS: '3' });
});
afterAll(async () => {
  await gw?.cleanup();
});

async function start(query = 'voice=Jasper&speed=1.0'): Promise<string> {
  const res = await fetch(`${gw.url}/api/stream/start?${query}`, { method: 'POST' });
  expect(res.status).toBe(200);
  const body = await res.json();
  expect(body.status).toBe('created');
  return body.session_id;
}

async function chunk(id: string, text: string, flush = false) {
  const res = await postJson(`${gw.url}/api/stream/chunk?session_id=${id}`, { text, flush });
  return { status: res.status, body: await res.json() };
}

const end = (id: string) => fetch(`${gw.url}/api/stream/end/${id}`, { method: 'DELETE' });

describe('REST streaming session', () => {
  it('plays the reference token example: audio for "Hello there!" arrives before the flush', async () => {
    const id = await start();
    const tokens = ['Hello', ' there', '! How', ' are', ' you', ' today', '?'];
    const perCall: number[] = [];
    for (const token of tokens) {
      const { status, body } = await chunk(id, token);
      expect(status).toBe(200);
      expect(Object.keys(body).sort()).toEqual([
        'audio_chunks',
        'buffered_text',
        'sample_rate',
        'status',
      ]);
      expect(body.status).toBe('streaming');
      perCall.push(body.audio_chunks.length);
    }
    // "! How" completes "Hello there!" (the boundary is certain once " How" follows).
    expect(perCall.slice(0, 3)).toEqual([0, 0, 1]);
    const final = await chunk(id, '', true);
    expect(final.body.status).toBe('flushed');
    expect(final.body.buffered_text).toBe('');
    expect(final.body.audio_chunks).toHaveLength(1);
    const wav = parseWav(Buffer.from(final.body.audio_chunks[0], 'base64'));
    expect(wav).toMatchObject({ sampleRate: 24000, channels: 1, bitsPerSample: 16 });
    const ended = await end(id);
    expect(await ended.json()).toEqual({ status: 'ended', session_id: id });
  });

  it('reports text still waiting as buffered_text', async () => {
    const id = await start();
    const { body } = await chunk(id, 'Dr. Smith arrived at 3.');
    expect(body.audio_chunks).toEqual([]);
    expect(body.buffered_text).toContain('Dr. Smith arrived at 3.');
    await end(id);
  });

  it('serializes concurrent chunk calls on one session', async () => {
    const id = await start();
    const [a, b] = await Promise.all([
      chunk(id, 'First sentence here. '),
      chunk(id, 'Second one follows. And'),
    ]);
    expect(a.body.audio_chunks.length + b.body.audio_chunks.length).toBe(2);
    await end(id);
  });

  it('answers 404 {detail} for an unknown session', async () => {
    const { status, body } = await chunk('00000000-0000-0000-0000-000000000000', 'Hi.');
    expect(status).toBe(404);
    expect(body.detail).toMatch(/not found/);
    expect((await end('nope')).status).toBe(404);
  });

  it('validates the start query', async () => {
    for (const q of ['speed=9', 'voice=Nobody', 'model=nope', 'speed=abc']) {
      const res = await fetch(`${gw.url}/api/stream/start?${q}`, { method: 'POST' });
      expect(res.status).toBe(400);
      expect(typeof (await res.json()).detail).toBe('string');
    }
  });

  it('answers 429 with Retry-After beyond the session cap, and frees slots on end', async () => {
    const ids = [await start(), await start(), await start()];
    const res = await fetch(`${gw.url}/api/stream/start`, { method: 'POST' });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    for (const id of ids) await end(id);
    await end(await start());
  });

  it('leaves nothing behind after 1000 start/end cycles', async () => {
    for (let i = 0; i < 1000; i++) {
      const res = await fetch(`${gw.url}/api/stream/start`, { method: 'POST' });
      const { session_id } = await res.json();
      await end(session_id);
    }
    const ids = [await start(), await start(), await start()];
    for (const id of ids) await end(id);
  });
});
