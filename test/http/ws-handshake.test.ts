import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitForAsync } from '../helpers/wait.js';
import { INCOMPLETE_HANDSHAKES, rawRequest } from '../helpers/ws-handshakes.js';
import { wsClient } from '../helpers/ws-client.js';

// A request to the WebSocket door that never becomes a socket must leave no session and no
// real-time slot behind: the cap is small here, so a few leaked ones refuse everyone after them.

const CAP = 4;
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    KITTENTTS_MAX_REALTIME_SESSIONS: String(CAP),
    KITTENTTS_MAX_SESSIONS: String(2 * CAP),
  });
});
afterAll(async () => {
  await gw?.cleanup();
});

async function liveSessions(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^kittentts_live_sessions (\S+)$/m.exec(text)?.[1]);
}

describe('incomplete WebSocket handshakes', () => {
  it('answer each kind with a 4xx and keep no session or slot', async () => {
    for (const [kind, headers] of Object.entries(INCOMPLETE_HANDSHAKES)) {
      for (let i = 0; i < 3 * CAP; i++) {
        const status = await rawRequest(gw.port, headers);
        expect(status, kind).toMatch(/^HTTP\/1\.1 4\d\d/);
      }
    }
    await waitForAsync(async () => (await liveSessions(gw.url)) === 0, 20_000, 'no live session');
    const good = wsClient(gw.url);
    await expect(good.ready).resolves.toMatchObject({ type: 'ready' });
    const start = await fetch(`${gw.url}/api/stream/start`, { method: 'POST' });
    expect(start.status).toBe(200);
    good.ws.close();
    await good.closed;
    const { session_id } = (await start.json()) as { session_id: string };
    await fetch(`${gw.url}/api/stream/end/${session_id}`, { method: 'DELETE' });
  });

  it('keep no session for a client that hangs up mid-handshake', async () => {
    const headers = INCOMPLETE_HANDSHAKES['a wrong version']!.slice(0, 3).concat(
      'Sec-WebSocket-Version: 13',
    );
    for (let i = 0; i < 4 * CAP; i++) await rawRequest(gw.port, headers, { dropAfterSend: true });
    await waitForAsync(async () => (await liveSessions(gw.url)) === 0, 20_000, 'no live session');
    const clients = Array.from({ length: CAP }, () => wsClient(gw.url));
    for (const c of clients) await expect(c.ready).resolves.toMatchObject({ type: 'ready' });
    for (const c of clients) c.ws.close();
    await Promise.all(clients.map((c) => c.closed));
  });
});
