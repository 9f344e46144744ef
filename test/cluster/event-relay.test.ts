// The subscriber side of session events across replicas: messages published in any order by any
// replica come out in seq order, `flushed` after exactly the audio it followed, a sentence whose
// replica died becomes an error once later ones waited for it, and the stream ends on `ended`.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  encodeEvent,
  ENDED_MESSAGE,
  MAX_PENDING_EVENTS,
  OrderedRelay,
} from '../../src/cluster/event-relay.js';
import type { AudioEvent, TtsSessionEvent } from '../../src/session/session-events.js';

const timings = { loadS: 0, generationS: 0.1, frontendS: 0, inferenceS: 0.1, queueS: 0 };
const audio = (seq: number, text: string): AudioEvent => ({
  type: 'audio',
  seq,
  text,
  samples: Float32Array.from([seq, -seq, 0.5]),
  durationS: 0.5,
  sampleRateHz: 24_000,
  timings,
  words: [{ text: text.split(' ')[0] ?? '', start: 0, end: 0.25, chars: [0, 1] }],
});

async function drain(relay: OrderedRelay, n: number): Promise<TtsSessionEvent[]> {
  const out: TtsSessionEvent[] = [];
  for (let i = 0; i < n; i++) {
    const next = await relay.next();
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

const label = (ev: TtsSessionEvent) => (ev.type === 'flushed' ? 'flushed' : `${ev.type}:${ev.seq}`);

afterEach(() => {
  vi.useRealTimers();
});

describe('OrderedRelay', () => {
  it('puts audio from several publishers back in seq order, with flushed after what it followed', async () => {
    let finished = 0;
    const relay = new OrderedRelay(3, 60_000, () => finished++);
    // Call 1 (seqs 3, 4, flush) and call 2 (seq 5) published by different replicas, interleaved.
    relay.push(encodeEvent(audio(0, 'Five.'), 5, 6));
    relay.push(encodeEvent({ type: 'flushed' }, 3, 5));
    relay.push(encodeEvent(audio(1, 'Four.'), 3, 5));
    relay.push(encodeEvent(audio(0, 'Three.'), 3, 5));
    const got = await drain(relay, 4);
    expect(got.map(label)).toEqual(['audio:3', 'audio:4', 'flushed', 'audio:5']);
    const first = got[0] as AudioEvent;
    expect(first.text).toBe('Three.');
    expect([...first.samples]).toEqual([0, -0, 0.5]);
    expect(first.words).toEqual([{ text: 'Three.', start: 0, end: 0.25, chars: [0, 1] }]);
    expect([...(got[1] as AudioEvent).samples]).toEqual([1, -1, 0.5]);
    relay.push(ENDED_MESSAGE);
    expect(await relay.next()).toEqual({ done: true, value: undefined });
    await relay.return();
    expect(finished).toBe(1);
  });

  it('ignores sentences from before the subscription and malformed messages', async () => {
    const relay = new OrderedRelay(2, 60_000, () => undefined);
    relay.push('not json');
    relay.push(encodeEvent(audio(1, 'Old.'), 0, 2));
    relay.push(encodeEvent(audio(0, 'New.'), 2, 3));
    expect((await drain(relay, 1)).map(label)).toEqual(['audio:2']);
    await relay.return();
    expect(await relay.next()).toEqual({ done: true, value: undefined });
  });

  it('turns a sentence that never arrives into an error once later ones have waited for it', async () => {
    const relay = new OrderedRelay(0, 30, () => undefined);
    relay.push(encodeEvent(audio(1, 'Second.'), 0, 2));
    const got = await drain(relay, 2);
    expect(got.map(label)).toEqual(['error:0', 'audio:1']);
    expect(got[0]).toMatchObject({ status: 500, detail: expect.stringMatching(/lost/) });
    await relay.return();
  });

  it('declares every sentence missing before one that arrived lost after a single wait', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const relay = new OrderedRelay(0, 1000, () => undefined);
    relay.push(encodeEvent(audio(0, 'Fourth.'), 3, 4));
    const first = relay.next();
    await vi.advanceTimersByTimeAsync(1000);
    expect(label((await first).value as TtsSessionEvent)).toBe('error:0');
    // The clock stands still from here: the other two lost ones and the audio come at once.
    const rest = drain(relay, 3);
    const settled = await Promise.race([rest, new Promise((r) => setImmediate(r, 'waiting'))]);
    expect(settled).not.toBe('waiting');
    expect((await rest).map(label)).toEqual(['error:1', 'error:2', 'audio:3']);
    // A later gap waits again.
    relay.push(encodeEvent(audio(0, 'Sixth.'), 5, 6));
    const next = relay.next();
    await vi.advanceTimersByTimeAsync(999);
    relay.push(encodeEvent(audio(0, 'Fifth.'), 4, 5));
    expect(label((await next).value as TtsSessionEvent)).toBe('audio:4');
    expect((await drain(relay, 1)).map(label)).toEqual(['audio:5']);
    await relay.return();
  });

  it('completes a waiting consumer when the session ends', async () => {
    const relay = new OrderedRelay(0, 60_000, () => undefined);
    const waiting = relay.next();
    relay.end();
    expect(await waiting).toEqual({ done: true, value: undefined });
  });

  it('lets a subscriber go, with an error, once more audio waits for it than the bound', async () => {
    let finished = 0;
    const relay = new OrderedRelay(0, 60_000, () => finished++);
    for (let seq = 0; seq <= MAX_PENDING_EVENTS; seq++)
      relay.push(encodeEvent(audio(seq, 'x'), 0, 0));
    const got = await drain(relay, MAX_PENDING_EVENTS + 2);
    expect(got.map(label)).toEqual(['error:0']);
    expect(got[0]).toMatchObject({
      detail: expect.stringMatching(/fell more than 64 chunks behind/),
    });
    expect(relay.sessionEnded).toBe(false);
    expect(finished).toBe(1);
  });
});
