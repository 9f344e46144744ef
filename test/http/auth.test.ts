import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { wsClient } from '../helpers/ws-client.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ KITTENTTS_API_KEYS: 'key-one,key-two' });
});
afterAll(async () => {
  await gw?.cleanup();
});

const routes: Array<[string, string, unknown?]> = [
  ['GET', '/api/models'],
  ['GET', '/api/voices'],
  ['GET', '/api/stats'],
  ['GET', '/metrics'],
  ['POST', '/api/generate', { text: 'Hi.' }],
  ['POST', '/api/generate/stream', { text: 'Hi.' }],
  ['POST', '/api/stream/start'],
  ['POST', '/api/stream/chunk?session_id=x', { text: 'Hi.' }],
  ['DELETE', '/api/stream/end/x'],
  ['GET', '/api/stream/events?session_id=x'],
];

describe('API keys', () => {
  it('leaves /api/health open', async () => {
    expect((await fetch(`${gw.url}/api/health`)).status).toBe(200);
  });

  it.each(routes)('refuses %s %s without a key or with a wrong key', async (method, path, body) => {
    for (const headers of [
      {},
      { authorization: 'Bearer nope' },
      { 'x-api-key': 'key-one-but-longer' },
    ] as Record<string, string>[]) {
      const res = await fetch(gw.url + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      expect(res.status).toBe(401);
      expect((await res.json()).detail).toMatch(/API key/);
    }
  });

  it('accepts a key as a bearer token or x-api-key', async () => {
    expect(
      (await fetch(`${gw.url}/api/models`, { headers: { authorization: 'Bearer key-one' } }))
        .status,
    ).toBe(200);
    expect(
      (await fetch(`${gw.url}/api/models`, { headers: { 'x-api-key': 'key-two' } })).status,
    ).toBe(200);
  });

  it('binds a session to the key that created it', async () => {
    const res = await fetch(`${gw.url}/api/stream/start`, {
      method: 'POST',
      headers: { authorization: 'Bearer key-one' },
    });
    const { session_id } = await res.json();
    const other = await fetch(`${gw.url}/api/stream/chunk?session_id=${session_id}`, {
      method: 'POST',
      headers: { authorization: 'Bearer key-two' },
      body: JSON.stringify({ text: 'Hi.' }),
    });
    expect(other.status).toBe(404);
    const own = await fetch(`${gw.url}/api/stream/end/${session_id}`, {
      method: 'DELETE',
      headers: { 'x-api-key': 'key-one' },
    });
    expect(own.status).toBe(200);
  });

  it('accepts the key as a query parameter on the WebSocket, and refuses the upgrade without it', async () => {
    expect(await wsClient(gw.url).upgrade).toBe(401);
    const c = wsClient(gw.url, '?api_key=key-two');
    await c.until(() => c.json.length >= 1);
    expect(c.json[0]!.type).toBe('ready');
    c.ws.close();
  });
});
