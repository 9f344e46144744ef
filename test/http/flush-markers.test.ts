import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { postJson } from '../helpers/http.js';
import { readSse } from '../helpers/sse.js';

// Flushes with nothing buffered between them make one `flushed` marker: a REST client that
// flushes in a loop, with nobody consuming the markers, cannot pile them up in its session.

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.cleanup();
});

describe('flush markers', () => {
  it('coalesces consecutive flushes with nothing buffered into one flushed event', async () => {
    const start = await fetch(`${gw.url}/api/stream/start`, { method: 'POST' });
    const { session_id } = (await start.json()) as { session_id: string };
    const chunk = (text: string, flush: boolean) =>
      postJson(`${gw.url}/api/stream/chunk?session_id=${session_id}`, { text, flush });
    const flushes = 300;
    for (let i = 0; i < flushes; i++) expect((await chunk('', true)).status).toBe(200);
    // A subscriber now receives every marker still in the session, then this turn.
    const res = await fetch(`${gw.url}/api/stream/events?session_id=${session_id}`);
    const events = readSse(res);
    await chunk('Hello there.', true);
    await chunk('', true);
    await chunk('', true);
    const seen: string[] = [];
    for await (const ev of events) {
      seen.push(ev.event);
      if (seen.filter((e) => e === 'flushed').length === 2 || seen.length > flushes + 5) break;
    }
    expect(seen).toEqual(['flushed', 'audio', 'flushed']);
    await events.return(undefined);
    await fetch(`${gw.url}/api/stream/end/${session_id}`, { method: 'DELETE' });
  });
});
