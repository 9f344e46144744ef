import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { postJson } from '../helpers/http.js';
import { readSse } from '../helpers/sse.js';

// An SSE subscriber that goes away (an EventSource reconnecting) drops only the audio it was
// waiting for: the sentence the REST client is still writing stays, and is spoken whole.

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.cleanup();
});

describe('an SSE subscriber that disconnects', () => {
  it("keeps the REST client's unfinished sentence for the next subscriber", async () => {
    const start = await fetch(`${gw.url}/api/stream/start`, { method: 'POST' });
    const { session_id } = (await start.json()) as { session_id: string };
    const eventsUrl = `${gw.url}/api/stream/events?session_id=${session_id}`;
    const chunk = async (text: string, flush: boolean) =>
      (
        await postJson(`${gw.url}/api/stream/chunk?session_id=${session_id}`, { text, flush })
      ).json() as Promise<{ audio_chunks: string[]; buffered_text: string }>;

    const first = new AbortController();
    const one = readSse(await fetch(eventsUrl, { signal: first.signal }));
    expect((await chunk('One. Two. Three is', false)).audio_chunks).toEqual([]);
    const heard: string[] = [];
    for await (const ev of one) {
      if (ev.event === 'audio') heard.push(String(ev.data.text));
      if (heard.length === 2) break;
    }
    expect(heard).toEqual(['One.', 'Two.']);
    first.abort();

    // The reconnect: 409 until the server has seen the first subscriber go.
    let res = await fetch(eventsUrl);
    for (let attempt = 0; res.status === 409 && attempt < 500; attempt++) {
      await res.body?.cancel();
      await new Promise((r) => setTimeout(r, 10));
      res = await fetch(eventsUrl);
    }
    expect(res.status).toBe(200);
    const two = readSse(res);
    expect((await chunk(' here.', true)).buffered_text).toBe('');
    const next = await two.next();
    expect(next.value).toMatchObject({ event: 'audio', data: { text: 'Three is here.' } });
    await fetch(`${gw.url}/api/stream/end/${session_id}`, { method: 'DELETE' });
    await two.return(undefined);
  });
});
