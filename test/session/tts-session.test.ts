import { describe, expect, it } from 'vitest';
import { InferenceError, BadRequestError } from '../../src/errors.js';
import {
  SessionBufferFullError,
  SessionEndedError,
  type SessionChunkInfo,
  type TtsSessionEvent,
} from '../../src/session/session-events.js';
import { TtsSession, type TtsSessionOptions } from '../../src/session/tts-session.js';
import { FakeEngine, fakeSamples, tick } from './fake-engine.js';

function open(lane: FakeEngine, options: Partial<TtsSessionOptions> = {}): TtsSession {
  return new TtsSession(lane, {
    modelId: 'kitten-tts-nano',
    voice: 'Bella',
    onClose: lane.onSessionClose,
    ...options,
  });
}

/** Reads every event until the iterator completes. */
async function drain(session: TtsSession): Promise<TtsSessionEvent[]> {
  const events: TtsSessionEvent[] = [];
  for await (const ev of session) events.push(ev);
  return events;
}

const describeEvent = (ev: TtsSessionEvent) =>
  ev.type === 'flushed' ? 'flushed' : `${ev.type}:${ev.seq}:${ev.text}`;

describe('TtsSession', () => {
  it('synthesizes each completed sentence with the session settings', async () => {
    const lane = new FakeEngine(() => 1);
    const session = open(lane, { speed: 1.25, normalize: false });
    expect(session.pushText('Hello there! How')).toEqual([0]);
    expect(session.bufferedText).toBe(' How');
    await tick();
    expect(lane.calls[0]!.request).toMatchObject({
      modelId: 'kitten-tts-nano',
      text: 'Hello there!',
      voice: 'Bella',
      speed: 1.25,
      normalize: false,
    });
    session.end();
    const events = await drain(session);
    expect(events.map(describeEvent)).toEqual(['audio:0:Hello there!', 'audio:1:How', 'flushed']);
    const first = events[0]!;
    expect(first.type === 'audio' && Array.from(first.samples)).toEqual(
      Array.from(fakeSamples('Hello there!')),
    );
    expect(first.type === 'audio' && first.sampleRateHz).toBe(24000);
  });

  it('yields audio in seq order when syntheses finish out of order', async () => {
    const lane = new FakeEngine();
    const session = open(lane, { maxInFlight: 3 });
    session.pushText('One. Two. Three. ', { flush: true });
    session.end();
    const done = drain(session);
    await tick();
    expect(lane.texts()).toEqual(['One.', 'Two.', 'Three.']);
    lane.calls[2]!.complete();
    lane.calls[1]!.complete();
    await tick();
    lane.calls[0]!.complete();
    expect((await done).map(describeEvent)).toEqual([
      'audio:0:One.',
      'audio:1:Two.',
      'audio:2:Three.',
      'flushed', // end() adds no second marker: nothing was queued after the first
    ]);
  });

  it('keeps two syntheses in flight by default and submits the next as one finishes', async () => {
    const lane = new FakeEngine();
    const session = open(lane);
    session.pushText('A one. B two. C three. D four. ');
    session.flush();
    await tick();
    expect(lane.calls).toHaveLength(2);
    lane.calls[0]!.complete();
    await tick();
    expect(lane.calls).toHaveLength(3);
    expect(lane.active).toBe(2);
    const it = session[Symbol.asyncIterator]();
    for (let n = 1; n < 4; n++) lane.calls[n]?.complete();
    await tick();
    lane.calls[3]!.complete();
    const seqs: number[] = [];
    for (let n = 0; n < 4; n++) {
      const r = await it.next();
      if (!r.done && r.value.type === 'audio') seqs.push(r.value.seq);
    }
    expect(seqs).toEqual([0, 1, 2, 3]);
    expect(lane.maxActive).toBe(2);
  });

  it('stops submitting at maxBufferedChunks when the consumer never reads', async () => {
    const lane = new FakeEngine(() => 1);
    const session = open(lane, { maxBufferedChunks: 4, maxInFlight: 2 });
    const text = Array.from({ length: 30 }, (_, i) => `Sentence number ${i}.`).join(' ');
    session.pushText(text, { flush: true });
    await new Promise((r) => setTimeout(r, 60));
    expect(lane.calls).toHaveLength(4);
    expect(lane.maxActive).toBeLessThanOrEqual(2);
    // Reading resumes submission, one result at a time.
    session.end();
    const events = await drain(session);
    expect(events.filter((e) => e.type === 'audio')).toHaveLength(30);
    expect(lane.calls).toHaveLength(30);
    expect(lane.maxActive).toBeLessThanOrEqual(2);
  });

  it('cancel drops buffered text and pending chunks and discards in-flight results', async () => {
    const lane = new FakeEngine();
    const info: SessionChunkInfo[] = [];
    const session = open(lane, { onChunk: (i) => info.push(i) });
    session.pushText('First one. Second one. Third one. Unfinished');
    await tick();
    expect(lane.calls).toHaveLength(2);
    session.cancel();
    expect(session.bufferedText).toBe('');
    expect(lane.calls.every((c) => c.request.signal?.aborted)).toBe(true);
    lane.calls[0]!.complete();
    lane.calls[1]!.fail(new Error('aborted'));
    await tick();
    expect(lane.calls).toHaveLength(2); // the third sentence was never submitted
    expect(session.pushText('After barge-in.', { flush: true })).toEqual([3]);
    await tick();
    expect(lane.texts()).toEqual(['First one.', 'Second one.', 'After barge-in.']);
    lane.calls[2]!.complete();
    session.end();
    expect((await drain(session)).map(describeEvent)).toEqual([
      'audio:3:After barge-in.',
      'flushed',
    ]);
    expect(info.map((i) => `${i.seq}:${i.outcome}`)).toEqual([
      '0:discarded',
      '1:discarded',
      '3:ok',
    ]);
  });

  it('delivers only post-cancel audio to a consumer waiting across the cancel', async () => {
    const lane = new FakeEngine();
    const session = open(lane);
    const events = drain(session);
    session.pushText('Old one. Old two. ');
    await tick();
    session.cancel();
    for (const c of lane.calls) c.complete();
    session.pushText('New one.');
    session.end();
    await tick();
    for (const c of lane.calls) c.complete();
    expect((await events).map(describeEvent)).toEqual(['audio:1:New one.', 'flushed']);
  });

  it('break in the consumer loop cancels upstream work', async () => {
    const lane = new FakeEngine();
    const session = open(lane);
    session.pushText('One. Two. Three. Four. ', { flush: true });
    await tick();
    lane.calls[0]!.complete();
    const got: TtsSessionEvent[] = [];
    for await (const ev of session) {
      got.push(ev);
      break;
    }
    expect(got.map(describeEvent)).toEqual(['audio:0:One.']);
    expect(session.hasConsumer).toBe(false);
    await tick();
    // Taking "One." made room for "Three."; the break aborted both in flight, "Four." never went.
    expect(lane.texts()).toEqual(['One.', 'Two.', 'Three.']);
    expect(lane.calls.slice(1).every((c) => c.request.signal?.aborted)).toBe(true);
    for (const c of lane.calls) c.complete();
    await tick();
    expect(lane.calls).toHaveLength(3);
    // The session stays usable for a new consumer.
    session.pushText('Five.');
    session.end();
    await tick();
    lane.calls[3]!.complete();
    expect((await drain(session)).map(describeEvent)).toEqual(['audio:4:Five.', 'flushed']);
  });

  it('end flushes and completes the iterator after the last chunk', async () => {
    const lane = new FakeEngine(() => 2);
    const session = open(lane);
    const events = drain(session);
    session.pushText('Almost done');
    expect(session.end()).toEqual([0]);
    expect((await events).map(describeEvent)).toEqual(['audio:0:Almost done', 'flushed']);
    expect(session.isEnded).toBe(true);
    expect(() => session.pushText('more')).toThrow(SessionEndedError);
    expect(session.end()).toEqual([]);
  });

  it('emits flushed after the audio of each flush, once for flushes with nothing between them', async () => {
    const lane = new FakeEngine(() => 1);
    const session = open(lane);
    session.pushText('A b c');
    session.flush();
    session.flush();
    session.pushText('D e f.', { flush: true });
    session.end();
    expect((await drain(session)).map(describeEvent)).toEqual([
      'audio:0:A b c',
      'flushed',
      'audio:1:D e f.',
      'flushed',
    ]);
  });

  it('turns an engine failure into an error event and keeps going', async () => {
    const lane = new FakeEngine();
    const session = open(lane);
    session.pushText('Bad one. Good one.', { flush: true });
    session.pushText('Strange one.', { flush: true });
    session.end();
    const events = drain(session);
    await tick();
    lane.calls[0]!.fail(new BadRequestError("Voice 'Nobody' not available.", 'invalid_voice'));
    lane.calls[1]!.complete();
    await tick();
    lane.calls[2]!.fail(new TypeError('boom'));
    const got = await events;
    expect(got.map(describeEvent)).toEqual([
      'error:0:Bad one.',
      'audio:1:Good one.',
      'flushed',
      'error:2:Strange one.',
      'flushed',
    ]);
    expect(got[0]).toMatchObject({
      detail: "Voice 'Nobody' not available.",
      status: 400,
      code: 'invalid_voice',
    });
    expect(got[3]).toMatchObject({ detail: 'internal error', status: 500, code: 'internal' });
  });

  it('collect returns exactly the chunks a call completed, dropping older leftovers', async () => {
    const lane = new FakeEngine(() => 1);
    const session = open(lane);
    expect(session.pushText('Left behind. ')).toEqual([]);
    expect(session.pushText('Next')).toEqual([0]); // "Left behind." — nobody collects it
    const second = session.pushText(' one. And more. Tail', { flush: false });
    expect(second).toEqual([1, 2]);
    const got = await session.collect(second);
    expect(got.map((e) => e.type === 'audio' && e.text)).toEqual(['Next one.', 'And more.']);
    expect(session.hasConsumer).toBe(false);
    const last = await session.collect(session.pushText('', { flush: true }));
    expect(last.map((e) => e.seq)).toEqual([3]);
  });

  it('collect returns early on cancel and on abort of its signal', async () => {
    const lane = new FakeEngine();
    const session = open(lane);
    const pending = session.collect(session.pushText('Never arrives.', { flush: true }));
    await tick();
    session.cancel();
    expect(await pending).toEqual([]);
    const ac = new AbortController();
    const aborted = session.collect(session.pushText('Also slow.', { flush: true }), ac.signal);
    ac.abort();
    expect(await aborted).toEqual([]);
    expect(session.hasConsumer).toBe(false);
  });

  it('runExclusive runs concurrent callers one after another', async () => {
    const lane = new FakeEngine(() => 1);
    const session = open(lane);
    const order: string[] = [];
    const call = (text: string) =>
      session.runExclusive(async () => {
        order.push(`start ${text}`);
        const events = await session.collect(session.pushText(text, { flush: true }));
        order.push(`end ${text}`);
        return events.map((e) => e.text);
      });
    const [a, b] = await Promise.all([call('First.'), call('Second.')]);
    expect(a).toEqual(['First.']);
    expect(b).toEqual(['Second.']);
    expect(order).toEqual(['start First.', 'end First.', 'start Second.', 'end Second.']);
    await expect(session.runExclusive(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(await session.runExclusive(() => 42)).toBe(42);
  });

  it('rejects text beyond maxBufferedChars with a 400 error', async () => {
    const lane = new FakeEngine();
    const session = open(lane, { maxBufferedChars: 60, maxInFlight: 1 });
    session.pushText('x'.repeat(30));
    expect(() => session.pushText('y'.repeat(31))).toThrow(SessionBufferFullError);
    try {
      session.pushText('y'.repeat(31));
    } catch (err) {
      expect(err).toBeInstanceOf(BadRequestError);
      expect((err as BadRequestError).status).toBe(400);
    }
    // Sentences waiting for the lane count too; submitted ones do not.
    session.pushText(' end. Two two two. Three ');
    expect(lane.calls).toHaveLength(1);
    expect(session.bufferedText).toBe(' Three ');
    expect(() => session.pushText('z'.repeat(42))).toThrow(SessionBufferFullError);
    expect(() => session.pushText('z'.repeat(41))).not.toThrow();
  });

  it('applies configure to sentences completed afterwards', async () => {
    const lane = new FakeEngine(() => 1);
    const session = open(lane);
    session.pushText('Before. Half');
    session.configure({ voice: 'Jasper', speed: 0.8 });
    session.pushText(' done.', { flush: true });
    await tick();
    expect(lane.calls.map((c) => [c.request.text, c.request.voice, c.request.speed])).toEqual([
      ['Before.', 'Bella', 1],
      ['Half done.', 'Jasper', 0.8],
    ]);
    expect(() => session.configure({ speed: 0 })).toThrow(RangeError);
    expect(session.settings).toEqual({ voice: 'Jasper', speed: 0.8 });
  });

  it('close reports itself once, aborts work and completes a waiting consumer', async () => {
    const lane = new FakeEngine();
    const session = open(lane);
    const events = drain(session);
    session.pushText('One. Two. Three.');
    await tick();
    session.close();
    session.close();
    expect(await events).toEqual([]);
    expect(lane.closed).toBe(1);
    expect(lane.calls.every((c) => c.request.signal?.aborted)).toBe(true);
    expect(() => session.pushText('x')).toThrow(SessionEndedError);
    for (const c of lane.calls) c.complete();
    await tick();
    expect(lane.calls).toHaveLength(2);
  });

  it('allows one consumer at a time', async () => {
    const session = open(new FakeEngine());
    const it = session[Symbol.asyncIterator]();
    expect(session.hasConsumer).toBe(true);
    expect(() => session[Symbol.asyncIterator]()).toThrow(/already has a consumer/);
    await expect(session.collect([0])).rejects.toThrow(/already has a consumer/);
    await it.return!();
    expect(session.hasConsumer).toBe(false);
    expect(() => session[Symbol.asyncIterator]()).not.toThrow();
  });

  it('reports every synthesis to onChunk, and a throwing hook changes nothing', async () => {
    const lane = new FakeEngine();
    const info: SessionChunkInfo[] = [];
    const session = open(lane, {
      onChunk: (i) => {
        info.push(i);
        throw new Error('hook bug');
      },
    });
    session.pushText('Fine. Broken.', { flush: true });
    session.end();
    const events = drain(session);
    await tick();
    lane.calls[0]!.complete();
    lane.calls[1]!.fail(new InferenceError('The model failed on this text.'));
    expect((await events).map(describeEvent)).toEqual([
      'audio:0:Fine.',
      'error:1:Broken.',
      'flushed',
    ]);
    expect(info.map((i) => [i.sessionId, i.seq, i.outcome, i.chars])).toEqual([
      [session.id, 0, 'ok', 5],
      [session.id, 1, 'error', 7],
    ]);
    expect(info[0]!.durationS).toBeCloseTo(50 / 24000);
    expect(info[0]!.timings?.generationS).toBe(0.01);
  });

  it('cuts the first chunk at a clause in clause-first mode', async () => {
    const lane = new FakeEngine(() => 1);
    const session = open(lane, { firstChunk: 'clause' });
    expect(session.pushText('Well, here we go again, said she, and left. Next')).toEqual([0, 1]);
    session.end();
    expect((await drain(session)).map(describeEvent)).toEqual([
      'audio:0:Well, here we go again,',
      'audio:1:said she, and left.',
      'audio:2:Next',
      'flushed',
    ]);
  });

  it('rejects invalid limits', () => {
    expect(() => open(new FakeEngine(), { maxInFlight: 0 })).toThrow(RangeError);
    expect(() => open(new FakeEngine(), { maxBufferedChunks: 1.5 })).toThrow(RangeError);
    expect(() => open(new FakeEngine(), { speed: Number.NaN })).toThrow(RangeError);
  });

  it('gives every session its own uuid', () => {
    const a = open(new FakeEngine());
    const b = open(new FakeEngine());
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.id).not.toBe(b.id);
  });
});
