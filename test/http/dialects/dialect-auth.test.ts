// API keys on the dialect sockets: ElevenLabs' xi-api-key header or xi_api_key in the first
// message, Cartesia's X-API-Key header or api_key query; anything else is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { wsClient } from '../../helpers/ws-client.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ KITTENTTS_API_KEYS: 'sekrit' });
});
afterAll(async () => {
  await gw?.cleanup();
});

const eleven = (headers: Record<string, string> = {}) =>
  wsClient(gw.url, {
    path: '/v1/text-to-speech/Bella/stream-input',
    query: 'output_format=pcm_24000',
    ws: { headers },
  });

async function speaks(c: ReturnType<typeof eleven>, first: Record<string, unknown>): Promise<void> {
  await c.upgrade;
  c.send(first);
  c.send({ text: 'Hi.' });
  c.send({ text: '' });
  expect(await c.closed).toBe(1000);
  expect(c.json.at(-1)).toMatchObject({ isFinal: true });
}

describe('keys on the ElevenLabs socket', () => {
  it('accepts the xi-api-key header', async () => {
    await speaks(eleven({ 'xi-api-key': 'sekrit' }), { text: ' ' });
  });

  it('accepts xi_api_key in the first message', async () => {
    await speaks(eleven(), { text: ' ', xi_api_key: 'sekrit' });
  });

  it('closes with 1008 when the first message carries a wrong key', async () => {
    const c = eleven();
    await c.upgrade;
    c.send({ text: ' ', xi_api_key: 'wrong' });
    expect(await c.closed).toBe(1008);
    expect(c.json.at(-1)).toMatchObject({ error: 'invalid_api_key', code: 1008 });
  });

  it('refuses a wrong xi-api-key header at the handshake', async () => {
    const c = eleven({ 'xi-api-key': 'wrong' });
    expect(await c.upgrade).toBe(401);
  });
});

describe('keys on the Cartesia socket', () => {
  const cartesia = (query: string, headers: Record<string, string> = {}) =>
    wsClient(gw.url, { path: '/tts/websocket', query, ws: { headers } });

  it('accepts the X-API-Key header and the api_key query', async () => {
    expect(
      await cartesia('', { 'X-API-Key': 'sekrit', 'Cartesia-Version': '2025-04-16' }).upgrade,
    ).toBe(101);
    expect(await cartesia('api_key=sekrit&cartesia_version=2025-04-16').upgrade).toBe(101);
  });

  it('refuses a socket without a key', async () => {
    expect(await cartesia('cartesia_version=2025-04-16').upgrade).toBe(401);
  });
});

describe('keys on the dialect HTTP routes', () => {
  it("answers a missing key in each dialect's shape", async () => {
    const speak = await fetch(`${gw.url}/v1/text-to-speech/Bella`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Hi.' }),
    });
    expect(speak.status).toBe(401);
    expect(await speak.json()).toMatchObject({ detail: { status: 'invalid_api_key' } });
    const bytes = await fetch(`${gw.url}/tts/bytes`, { method: 'POST', body: '{}' });
    expect(bytes.status).toBe(401);
    const body = (await bytes.json()) as { detail: string; error: string };
    expect(body.error).toBe(body.detail);
  });

  it('accepts the xi-api-key header on POST /v1/text-to-speech/{voice_id}', async () => {
    const res = await fetch(`${gw.url}/v1/text-to-speech/Bella?output_format=pcm_16000`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'xi-api-key': 'sekrit' },
      body: JSON.stringify({ text: 'Hi.' }),
    });
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });
});
