// A voice agent flushes its reply and the audio arrives faster than it plays, so the listener
// usually barges in after `flushed`: the cancel must still cut the turn being heard, until the
// next turn's first audio. Real gateway, real WebSocket, the stand-in in real workers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { wsClient, type WsClient, type WsMessage } from '../helpers/ws-client.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.cleanup();
});

const FIRST = 'The kettle sang on the stove. Rain tapped at the window all evening.';
const SECOND = 'Tomorrow the market opens early.';
const squash = (s: string) => s.replace(/\s+/g, '');
const audioOf = (c: WsClient) => c.json.filter((m) => m.type === 'audio');
const count = (c: WsClient, type: string) => c.types().filter((t) => t === type).length;

async function flushedTurn(c: WsClient, text: string): Promise<WsMessage[]> {
  const before = audioOf(c).length;
  const flushes = count(c, 'flushed');
  c.send({ type: 'text', text });
  c.send({ type: 'flush' });
  await c.until(() => count(c, 'flushed') > flushes);
  return audioOf(c).slice(before);
}

async function cancel(c: WsClient, playedS: number): Promise<WsMessage> {
  const replies = count(c, 'cancelled');
  c.send({ type: 'cancel', played_s: playedS });
  await c.until(() => count(c, 'cancelled') > replies);
  return c.json.filter((m) => m.type === 'cancelled').at(-1)!;
}

describe('barge-in after the turn has flushed', () => {
  it('cuts the flushed turn at the words heard when the cancel comes after flushed', async () => {
    const c = wsClient(gw.url, '?timestamps=word&format=pcm');
    await c.ready;
    const [first] = await flushedTurn(c, FIRST);
    const words = first!.words as Array<{ end: number }>;
    // The first two words of the turn were heard in full, the third not yet.
    const reply = await cancel(c, (words[1]!.end + words[2]!.end) / 2);
    expect(String(reply.spoken_text).split(/\s+/)).toHaveLength(2);
    expect(FIRST.startsWith(String(reply.spoken_text))).toBe(true);
    expect(squash(`${reply.spoken_text}${reply.unspoken_text}`)).toBe(squash(FIRST));
    c.ws.close();
  });

  it('cuts only the next turn once its first audio has arrived', async () => {
    const c = wsClient(gw.url, '?timestamps=word&format=pcm');
    await c.ready;
    await flushedTurn(c, FIRST);
    const second = await flushedTurn(c, SECOND);
    const total = second.reduce((s, m) => s + Number(m.duration), 0);
    const reply = await cancel(c, total);
    expect(reply.spoken_text).toBe(second.map((m) => String(m.text)).join(' '));
    expect(reply.unspoken_text).toBe('');
    c.ws.close();
  });
});
