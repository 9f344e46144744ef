import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { wsClient, type WsMessage } from '../helpers/ws-client.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.cleanup();
});

const LIFECYCLE = ['text_complete', 'enqueued', 'dispatched', 'synthesized', 'encoded', 'sent'];

function traces(json: WsMessage[], seq: number): WsMessage[] {
  return json.filter((m) => m.type === 'trace' && m.seq === seq);
}

describe('the chunk-lifecycle trace on the WebSocket door', () => {
  it('sends no trace events unless asked', async () => {
    const c = wsClient(gw.url, '?format=pcm');
    await c.ready;
    c.send({ type: 'text', text: 'A plain sentence.' });
    c.send({ type: 'end' });
    await c.until(() => c.types().includes('done'));
    expect(c.types()).not.toContain('trace');
  });

  it('sends each chunk’s stages in lifecycle order, the last after its audio', async () => {
    const c = wsClient(gw.url, '?format=pcm&trace=1');
    await c.ready;
    c.send({ type: 'text', text: 'The first sentence is here. And a second one follows it.' });
    c.send({ type: 'end' });
    await c.until(() => c.types().includes('done'));
    for (const seq of [0, 1]) {
      const events = traces(c.json, seq);
      expect(events.map((m) => m.stage)).toEqual(LIFECYCLE);
      const sent = events.at(-1)!;
      expect(sent).toMatchObject({ seq, opens_turn: seq === 0, cached: false });
      expect([0, 1]).toContain(sent.worker);
      const audioAt = c.json.findIndex((m) => m.type === 'audio' && m.seq === seq);
      expect(c.json.indexOf(sent)).toBeGreaterThan(audioAt);
      expect(c.json.indexOf(events[0]!)).toBeLessThan(audioAt);
    }
  });

  it('labels a chunk whose text came after the audio before it had played as text-late', async () => {
    const c = wsClient(gw.url, '?format=pcm&trace=1');
    await c.ready;
    // The segmenter cuts a sentence once the next one has begun.
    c.send({ type: 'text', text: 'Short opening. Then' });
    await c.until(() => traces(c.json, 0).some((m) => m.stage === 'sent'));
    const first = traces(c.json, 0).find((m) => m.stage === 'sent')!;
    // The listener plays the first chunk out while the "LLM" is silent.
    await new Promise((r) => setTimeout(r, (first.audio_s as number) * 1000 + 300));
    c.send({ type: 'text', text: ' the rest of the reply arrives.' });
    c.send({ type: 'end' });
    await c.until(() => c.types().includes('done'));
    const late = traces(c.json, 1).find((m) => m.stage === 'sent')!;
    expect(late).toMatchObject({ opens_turn: false, cause: 'text_late' });
    expect(late.stall_ms).toBeGreaterThan(0);
  });

  it('refuses a trace flag it does not know with a 400', async () => {
    const c = wsClient(gw.url, '?trace=maybe');
    expect(await c.upgrade).toBe(400);
    expect(JSON.parse(c.rejectedBody!).detail).toMatch(/trace/);
  });
});
