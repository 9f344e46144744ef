import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { fetchJson, postJson } from '../helpers/http.js';
import { wsClient } from '../helpers/ws-client.js';

// A REST session counts against real-time capacity only while a chunk call or an SSE subscriber
// is at work: idle ones (a client that never DELETEs) refuse nobody.

const CAP = 2;
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ KITTENTTS_MAX_REALTIME_SESSIONS: String(CAP) });
});
afterAll(async () => {
  await gw?.cleanup();
});

async function startSession(): Promise<string> {
  const r = await fetchJson<{ session_id: string }>(`${gw.url}/api/stream/start`, {
    method: 'POST',
  });
  expect(r.status).toBe(200);
  return r.body.session_id;
}

const chunk = (id: string, text: string, flush: boolean) =>
  postJson(`${gw.url}/api/stream/chunk?session_id=${id}`, { text, flush });

describe('REST sessions and real-time capacity', () => {
  it('lets the cap of idle REST sessions, and more, leave room for WebSockets', async () => {
    const ids: string[] = [];
    for (let i = 0; i < CAP + 2; i++) {
      const id = await startSession();
      expect((await chunk(id, 'Hello there.', true)).status).toBe(200);
      ids.push(id);
    }
    const sockets = Array.from({ length: CAP }, () => wsClient(gw.url));
    for (const s of sockets) await expect(s.ready).resolves.toMatchObject({ type: 'ready' });
    for (const s of sockets) s.ws.close();
    await Promise.all(sockets.map((s) => s.closed));
    for (const id of ids) await fetch(`${gw.url}/api/stream/end/${id}`, { method: 'DELETE' });
  });

  it('refuses a chunk call with 429 while the capacity is in use, taking none of its text', async () => {
    const id = await startSession();
    const sockets = Array.from({ length: CAP }, () => wsClient(gw.url));
    for (const s of sockets) await s.ready;
    const refused = await chunk(id, 'Taken later. And this', true);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(Object.keys((await refused.json()) as object)).toEqual(['detail']);
    sockets[0]!.ws.close();
    await sockets[0]!.closed;
    // The slot freed by the socket serves the retry, which finds nothing of the refused call.
    let served: Response | undefined;
    for (let attempt = 0; attempt < 100; attempt++) {
      served = await chunk(id, 'Taken now.', true);
      if (served.status !== 429) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const body = (await served!.json()) as { audio_chunks: string[]; buffered_text: string };
    expect(body.audio_chunks).toHaveLength(1);
    expect(body.buffered_text).toBe('');
    sockets[1]!.ws.close();
    await sockets[1]!.closed;
    await fetch(`${gw.url}/api/stream/end/${id}`, { method: 'DELETE' });
  });
});
