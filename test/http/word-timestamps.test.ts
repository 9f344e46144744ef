// Word timestamps on every door, through real sockets and the stand-in in real workers: the
// opt-in adds `words`, without it nothing changes; barge-in with `played_s` cuts the turn's text
// at the last word heard.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { fetchJson, postJson } from '../helpers/http.js';
import { wsClient, type WsClient, type WsMessage } from '../helpers/ws-client.js';

interface Word {
  text: string;
  start: number;
  end: number;
  chars?: [number, number];
  shared?: number;
}

let gw: TestGateway;
beforeAll(async () => {
  // A heartbeat soon after a subscriber attaches tells the test it is attached.
  gw = await startTestGateway({
    KITTENTTS_SYNTH_CACHE_MB: '16',
    KITTENTTS_SSE_HEARTBEAT_S: '0.05',
  });
});
afterAll(async () => {
  await gw?.cleanup();
});

const TURN =
  'Seven quiet rivers run below the old stone bridge. Nobody counted every lantern there. ' +
  'Morning came slowly over the hills.';
const squash = (s: string) => s.replace(/\s+/g, '');

/** In order, never overlapping (words sharing a span have the same one), within `durationS`. */
function expectWellFormed(words: readonly Word[], durationS: number, text: string): void {
  let previous: Word | undefined;
  for (const [i, w] of words.entries()) {
    expect(w.start).toBeLessThanOrEqual(w.end);
    if (w.shared !== undefined && previous?.shared === w.shared)
      expect([w.start, w.end]).toEqual([previous.start, previous.end]);
    else expect(w.start).toBeGreaterThanOrEqual(previous?.end ?? 0);
    if (w.shared !== undefined) expect(w.shared).toBeLessThanOrEqual(i);
    // A word found in the text points at itself there (normalization only lower-cased it).
    expect(text.slice(...w.chars!).toLowerCase()).toBe(w.text);
    previous = w;
  }
  expect(words.at(-1)!.end).toBeLessThanOrEqual(durationS + 1e-6);
}

const audioOf = (c: WsClient) => c.json.filter((m) => m.type === 'audio');

async function openTurn(query: string): Promise<WsClient> {
  const c = wsClient(gw.url, query);
  await c.ready;
  c.send({ type: 'text', text: TURN });
  return c;
}

describe('word timestamps on the WebSocket', () => {
  it('adds the words of each chunk to its audio message with timestamps=word', async () => {
    const c = await openTurn('?timestamps=word&format=pcm');
    c.send({ type: 'end' });
    await c.until(() => c.types().includes('done'));
    const audio = audioOf(c);
    expect(audio.length).toBeGreaterThanOrEqual(3);
    for (const msg of audio) {
      const words = msg.words as Word[];
      expect(words.map((w) => w.text)).toEqual(
        String(msg.text).toLowerCase().replace(/[.,]/g, '').split(' '),
      );
      expectWellFormed(words, Number(msg.duration), String(msg.text));
    }
  });

  it('sends audio messages with exactly the keys of before without the opt-in', async () => {
    const c = await openTurn('?format=pcm');
    c.send({ type: 'end' });
    await c.until(() => c.types().includes('done'));
    for (const msg of audioOf(c))
      expect(Object.keys(msg).sort()).toEqual(
        ['bytes', 'duration', 'format', 'sample_rate', 'seq', 'text', 'type'].sort(),
      );
  });
});

describe('barge-in with played_s', () => {
  it('answers the text heard up to the last word played and the rest, which together are the turn', async () => {
    const c = await openTurn('?timestamps=word&format=pcm');
    await c.until(() => audioOf(c).length >= 2);
    const [first, second] = audioOf(c) as [WsMessage, WsMessage];
    const words = second.words as Word[];
    // Played: the whole first chunk and the second up to just before its third word ends.
    const heard = words[2]!;
    const playedS = Number(first.duration) + (words[1]!.end + heard.end) / 2;
    c.send({ type: 'cancel', played_s: playedS });
    await c.until(() => c.types().includes('cancelled'));
    const reply = c.json.find((m) => m.type === 'cancelled')!;
    const spoken = String(reply.spoken_text);
    const unspoken = String(reply.unspoken_text);
    expect(squash(spoken + unspoken)).toBe(squash(TURN));
    // It ends at a word boundary, with the last word whose audio had played in full.
    const secondText = String(second.text);
    expect(spoken).toBe(`${String(first.text)} ${secondText.slice(0, words[1]!.chars![1])}`);
    expect(spoken.endsWith(secondText.slice(...words[1]!.chars!))).toBe(true);
    c.ws.close();
  });

  it('answers nothing spoken at played_s 0, and everything sent when played_s is left out', async () => {
    const atZero = await openTurn('?format=pcm');
    await atZero.until(() => audioOf(atZero).length >= 1);
    atZero.send({ type: 'cancel', played_s: 0 });
    await atZero.until(() => atZero.types().includes('cancelled'));
    expect(atZero.json.find((m) => m.type === 'cancelled')).toEqual({
      type: 'cancelled',
      spoken_text: '',
      unspoken_text: TURN,
    });
    atZero.ws.close();

    const sent = await openTurn('?timestamps=word&format=pcm');
    await sent.until(() => audioOf(sent).length >= 1);
    sent.send({ type: 'cancel' });
    await sent.until(() => sent.types().includes('cancelled'));
    const reply = sent.json.find((m) => m.type === 'cancelled')!;
    const delivered = audioOf(sent).map((m) => String(m.text));
    expect(reply.spoken_text).toBe(delivered.join(' '));
    expect(squash(String(reply.spoken_text) + String(reply.unspoken_text))).toBe(squash(TURN));
    sent.ws.close();
  });

  it('keeps the cancelled reply as before without played_s or the opt-in', async () => {
    const c = await openTurn('?format=pcm');
    await c.until(() => audioOf(c).length >= 1);
    c.send({ type: 'cancel' });
    await c.until(() => c.types().includes('cancelled'));
    expect(c.json.find((m) => m.type === 'cancelled')).toEqual({ type: 'cancelled' });
    c.ws.close();
  });

  it('refuses a played_s that is not a number of seconds and keeps the socket open', async () => {
    const c = wsClient(gw.url);
    await c.ready;
    c.send({ type: 'cancel', played_s: -1 });
    c.send({ type: 'cancel', played_s: 'soon' });
    await c.until(() => c.types().filter((t) => t === 'error').length === 2);
    expect(c.json.filter((m) => m.type === 'error').map((m) => m.detail)).toEqual([
      expect.stringContaining('played_s'),
      expect.stringContaining('played_s'),
    ]);
    c.send({ type: 'cancel' });
    await c.until(() => c.types().includes('cancelled'));
    c.ws.close();
  });
});

describe('word timestamps on /api/generate and SSE', () => {
  it('adds a words list timed from the start of the whole audio with "timestamps": true', async () => {
    const { status, body } = await fetchJson<{ duration: number; words: Word[] }>(
      `${gw.url}/api/generate`,
      { json: { text: TURN, voice: 'Jasper', timestamps: true } },
    );
    expect(status).toBe(200);
    expect(body.words.map((w) => w.text).join(' ')).toBe(TURN.toLowerCase().replace(/[.,]/g, ''));
    expectWellFormed(body.words, body.duration, TURN);
  });

  it('times each chunk’s words from the end of the chunks before it', async () => {
    type Generated = { words: Word[]; debug_info: { audio_samples: number; sample_rate: number } };
    const generate = async (text: string) =>
      (await fetchJson<Generated>(`${gw.url}/api/generate`, { json: { text, voice: 'Jasper', timestamps: true } })).body; // prettier-ignore
    const whole = await generate(TURN);
    // Each sentence of TURN is one model chunk: alone, it makes that chunk's audio.
    const sentences = TURN.split(/(?<=\.) /);
    const alone = await Promise.all(sentences.map(generate));
    const samples = alone.map((g) => g.debug_info.audio_samples);
    expect(samples.reduce((a, b) => a + b)).toBe(whole.debug_info.audio_samples);
    let [before, first] = [0, 0];
    for (const [k, sentence] of sentences.entries()) {
      const words = whole.words.slice(first, first + sentence.split(' ').length);
      const startS = before / whole.debug_info.sample_rate;
      expect(words.map((w) => w.text)).toEqual(alone[k]!.words.map((w) => w.text));
      for (const w of words) expect(w.start).toBeGreaterThanOrEqual(startS - 1e-6);
      expect(words[0]!.start).toBeCloseTo(startS + alone[k]!.words[0]!.start, 5);
      [before, first] = [before + samples[k]!, first + words.length];
    }
    expect(first).toBe(whole.words.length);
  });

  it('gives the same words again when the audio comes from the synthesis cache', async () => {
    const ask = () =>
      fetchJson<{ words: Word[] }>(`${gw.url}/api/generate`, {
        json: { text: 'A cached phrase comes back.', voice: 'Luna', timestamps: true },
      });
    const [miss, hit] = [await ask(), await ask()];
    expect(hit.body.words).toEqual(miss.body.words);
    expect(miss.body.words.length).toBe(5);
  });

  it('answers /api/generate with exactly the keys of before without the opt-in', async () => {
    const { body } = await fetchJson<Record<string, unknown>>(`${gw.url}/api/generate`, {
      json: { text: 'Hello there.', voice: 'Jasper' },
    });
    expect(Object.keys(body)).toEqual(['audio_base64', 'sample_rate', 'duration', 'debug_info']);
  });

  it('adds words to the audio events of the one-shot SSE stream with timestamps "word"', async () => {
    const events = await sseEvents(
      await postJson(`${gw.url}/api/generate/stream`, {
        text: TURN,
        timestamps: 'word',
        format: 'pcm',
      }),
    );
    const audio = events.filter((e) => e.event === 'audio');
    expect(audio.length).toBeGreaterThanOrEqual(3);
    for (const { data } of audio) expectWellFormed(data.words as Word[], Number(data.duration), String(data.text)); // prettier-ignore
    const plain = await sseEvents(await postJson(`${gw.url}/api/generate/stream`, { text: TURN }));
    expect(plain.filter((e) => e.event === 'audio').every((e) => !('words' in e.data))).toBe(true);
  });

  it('adds words to a subscriber’s audio events with ?timestamps=word', async () => {
    const start = await fetchJson<{ session_id: string }>(`${gw.url}/api/stream/start`, {
      method: 'POST',
    });
    const sid = start.body.session_id;
    const res = await fetch(`${gw.url}/api/stream/events?session_id=${sid}&timestamps=word`);
    // The first heartbeat comes once the subscriber holds the session's events.
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let got = '';
    while (!got.includes(': heartbeat')) got += (await reader.read()).value ?? '';
    const chunk = await postJson(`${gw.url}/api/stream/chunk?session_id=${sid}`, {
      text: TURN,
      flush: true,
    });
    expect((await chunk.json()).audio_chunks).toEqual([]); // the audio went to the subscriber
    // DELETE drops what is still being made: end the session once the turn has been heard.
    while (!got.includes('event: flushed')) got += (await reader.read()).value ?? '';
    await fetch(`${gw.url}/api/stream/end/${sid}`, { method: 'DELETE' });
    for (let r = await reader.read(); !r.done; r = await reader.read()) got += r.value;
    const audio = parseSse(got).filter((e) => e.event === 'audio');
    expect(audio.length).toBeGreaterThanOrEqual(1);
    for (const { data } of audio) expectWellFormed(data.words as Word[], Number(data.duration), String(data.text)); // prettier-ignore
  });

  it('refuses a timestamps value it does not know with 400', async () => {
    const bad = await fetchJson<{ detail: string }>(`${gw.url}/api/generate`, {
      json: { text: 'Hi.', timestamps: 'word' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('timestamps');
    const ws = wsClient(gw.url, '?timestamps=yes');
    await ws.closed;
    expect(ws.rejectedWith).toBe(400);
  });
});

async function sseEvents(res: Response): Promise<Array<{ event: string; data: WsMessage }>> {
  return parseSse(await res.text());
}

function parseSse(text: string): Array<{ event: string; data: WsMessage }> {
  return text
    .split('\n\n')
    .filter((block) => block.includes('event:'))
    .map((block) => {
      const event = /^event: ?(.*)$/m.exec(block)![1]!;
      const data = /^data: ?(.*)$/m.exec(block)?.[1] ?? '{}';
      return { event, data: JSON.parse(data) as WsMessage };
    });
}
