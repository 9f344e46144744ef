// Barge-in on turns the short tests miss: a turn longer than anything the session once kept words
// for, and a turn with a sentence that failed. Real gateway, real WebSocket, the stand-in in real
// workers (fault injection on, so a sentence can kill its worker).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_MARKERS } from '../../src/engine/protocol.js';
import { sentences, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { wsClient, type WsClient, type WsMessage } from '../helpers/ws-client.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({}, { faultInjection: true });
});
afterAll(async () => {
  await gw?.cleanup();
});

interface Word {
  end: number;
  chars?: [number, number];
}

const squash = (s: string) => s.replace(/\s+/g, '');
const audioOf = (c: WsClient) => c.json.filter((m) => m.type === 'audio');

async function cancel(c: WsClient, playedS: number): Promise<WsMessage> {
  c.send({ type: 'cancel', played_s: playedS });
  await c.until(() => c.types().includes('cancelled'));
  return c.json.find((m) => m.type === 'cancelled')!;
}

/** A turn whose second sentence kills its worker. */
const FAILING_TURN = `First one here. Second ${FAULT_MARKERS.exit} fails. Third one waits.`;

/** A client that sent `turn` and a flush, once `flushed` came back. */
async function flushedTurn(turn: string, query = '?timestamps=word&format=pcm'): Promise<WsClient> {
  const c = wsClient(gw.url, query);
  await c.ready;
  c.send({ type: 'text', text: turn });
  c.send({ type: 'flush' });
  await c.until(() => c.types().includes('flushed'), 30_000);
  return c;
}

/** played_s after `before` whole chunks and the first two words of the next one. */
function afterTwoWordsOf(before: readonly WsMessage[], next: WsMessage): number {
  const words = next.words as Word[];
  const whole = before.reduce((s, m) => s + Number(m.duration), 0);
  return whole + (words[1]!.end + words[2]!.end) / 2;
}

describe('barge-in on long and failing turns', () => {
  it('cuts a turn of a hundred sentences at the words heard after more than 64 chunks arrived', async () => {
    const turn = sentences(100);
    const c = wsClient(gw.url, '?timestamps=word&format=pcm');
    await c.ready;
    c.send({ type: 'text', text: turn });
    c.send({ type: 'flush' });
    await c.until(() => audioOf(c).length > 70, 60_000);
    const audio = audioOf(c);
    const reply = await cancel(c, afterTwoWordsOf(audio.slice(0, 3), audio[3]!));
    const heard = audio.slice(0, 3).map((m) => String(m.text));
    expect(reply.spoken_text).toBe(`${heard.join(' ')} Sentence number`);
    expect(squash(`${reply.spoken_text}${reply.unspoken_text}`)).toBe(squash(turn));
    c.ws.close();
  }, 90_000);

  it('cuts after the words heard when markup with attributes came before them', async () => {
    // One chunk (first_chunk=sentence): the markup is not cut in two before it is stripped.
    const turn = '<span class="a" id="b" title="c d e f">Hello</span> big world out there today.';
    const c = await flushedTurn(turn, '?timestamps=word&format=pcm&first_chunk=sentence');
    const [audio] = audioOf(c) as [WsMessage];
    const words = audio.words as Word[];
    expect(words.slice(1).map((w) => turn.slice(...w.chars!))).toEqual(['big', 'world', 'out', 'there', 'today']); // prettier-ignore
    const reply = await cancel(c, (words[2]!.end + words[3]!.end) / 2);
    expect(reply.spoken_text).toBe('<span class="a" id="b" title="c d e f">Hello</span> big world');
    expect(reply.unspoken_text).toBe('out there today.');
    c.ws.close();
  });

  it('keeps a sentence that failed in its place in the turn, spoken once later audio was heard', async () => {
    const turn = FAILING_TURN;
    const c = await flushedTurn(turn);
    expect(c.json.filter((m) => m.type === 'audio' || m.type === 'error').map((m) => m.type)).toEqual(['audio', 'error', 'audio']); // prettier-ignore
    const [first, third] = audioOf(c) as [WsMessage, WsMessage];
    const reply = await cancel(c, afterTwoWordsOf([first], third));
    expect(reply.spoken_text).toBe(`First one here. Second ${FAULT_MARKERS.exit} fails. Third one`);
    expect(reply.unspoken_text).toBe('waits.');
    c.ws.close();
  });

  it('answers a failed sentence as unspoken when nothing after it was heard', async () => {
    const turn = FAILING_TURN;
    const c = await flushedTurn(turn);
    const [first] = audioOf(c) as [WsMessage];
    const words = first.words as Word[];
    const reply = await cancel(c, (words[0]!.end + words[1]!.end) / 2);
    expect(reply.spoken_text).toBe('First');
    expect(reply.unspoken_text).toBe(
      `one here. Second ${FAULT_MARKERS.exit} fails. Third one waits.`,
    );
    c.ws.close();
  });
});

describe('a cancel while audio waits for the socket', () => {
  /** Syntheses the gateway has run, over every session. */
  const synthesized = async () =>
    (await (await fetch(`${gw.url}/api/stats`)).json()).generation_stats.total_requests as number;

  /** Polls until the count stops moving between two polls: the pump is holding an event. */
  async function untilStalled(): Promise<void> {
    let [last, now] = [-1, await synthesized()];
    for (let i = 0; i < 60 && now !== last; i++) {
      last = now;
      await new Promise((r) => setTimeout(r, 500));
      now = await synthesized();
    }
  }

  it('sends no audio of the cancelled turn after cancelled, and counts the chunk held back as not sent', async () => {
    const turn = 'This sentence waits for a reader. '.repeat(150).trim();
    const c = wsClient(gw.url, '?timestamps=word&format=pcm');
    await c.ready;
    const socket = (c.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause(); // the server's socket backs up past its high-water mark, holding a chunk
    c.send({ type: 'text', text: turn });
    await untilStalled();
    c.send({ type: 'cancel' });
    socket.resume();
    await c.until(() => c.types().includes('cancelled'), 60_000);
    c.send({ type: 'text', text: 'A new turn starts.' });
    c.send({ type: 'flush' });
    await c.until(() => c.types().includes('flushed'), 30_000);
    const at = c.types().indexOf('cancelled');
    const reply = c.json[at]!;
    const sent = c.json.slice(0, at).filter((m) => m.type === 'audio');
    expect(sent.length).toBeGreaterThan(0);
    expect(reply.spoken_text).toBe(sent.map((m) => String(m.text)).join(' '));
    expect(squash(`${reply.spoken_text}${reply.unspoken_text}`)).toBe(squash(turn));
    const after = c.json.slice(at + 1).filter((m) => m.type === 'audio');
    expect(after.map((m) => m.text)).toEqual(['A new turn starts.']);
    c.ws.close();
  }, 90_000);
});
