// The playback deadlines a session gives its sentences, and auto chunking, on a fake engine clock.
import { describe, expect, it } from 'vitest';
import { TtsSession, type TtsSessionOptions } from '../../src/session/tts-session.js';
import { FakeEngine, fakeSamples, tick } from './fake-engine.js';

const audioMs = (text: string) => (fakeSamples(text).length / 24000) * 1000;

function open(engine: FakeEngine, options: Partial<TtsSessionOptions> = {}): TtsSession {
  return new TtsSession(engine, { modelId: 'kitten-tts-nano', voice: 'Bella', ...options });
}

/** Takes the next `n` events, as a door's consumer would. */
async function take(session: TtsSession, n: number) {
  const it = session[Symbol.asyncIterator]();
  const out = [];
  for (let i = 0; i < n; i++) out.push((await it.next()).value);
  return { events: out, it };
}

const scheduleOf = (engine: FakeEngine, i: number) => engine.calls[i]!.request.schedule!;

describe('TtsSession deadlines', () => {
  it('makes the first sentence of a turn due the moment it is complete', async () => {
    const engine = new FakeEngine();
    engine.clockMs = 5000;
    open(engine).pushText('Hello there. Next');
    await tick();
    const schedule = scheduleOf(engine, 0);
    expect(schedule).toMatchObject({ kind: 'realtime', opensTurn: true });
    expect(schedule.neededAtMs()).toBe(5000);
  });

  it('makes a later sentence due when the audio before it will have played', async () => {
    const engine = new FakeEngine();
    engine.clockMs = 5000;
    const session = open(engine);
    session.pushText('One. Two. Three.', { flush: true });
    await tick();
    expect(scheduleOf(engine, 1).opensTurn).toBe(false);
    // Before the first is delivered: after its estimated audio, from when the listener began waiting.
    expect(scheduleOf(engine, 1).neededAtMs()).toBe(5000 + audioMs('One.'));
    engine.clockMs = 6000;
    engine.calls[0]!.complete();
    const { it } = await take(session, 1); // delivered at 6000: the listener plays it from now
    expect(scheduleOf(engine, 1).neededAtMs()).toBe(6000 + audioMs('One.'));
    await it.return?.();
  });

  it('makes the second sentence due at once when the first came from the cache', async () => {
    const engine = new FakeEngine();
    engine.clockMs = 5000;
    const session = open(engine);
    session.pushText('Sure! Let me look that up for you.', { flush: true });
    await tick();
    engine.calls[0]!.complete({ cached: true });
    const { it } = await take(session, 1); // the cached opener plays from 5000
    engine.clockMs = 5010;
    expect(scheduleOf(engine, 1).neededAtMs()).toBe(5000);
    await it.return?.();
  });

  it('keeps the second sentence at its playback deadline when the first was synthesized', async () => {
    const engine = new FakeEngine();
    engine.clockMs = 5000;
    const session = open(engine);
    session.pushText('Sure! Let me look that up for you.', { flush: true });
    await tick();
    engine.calls[0]!.complete();
    const { it } = await take(session, 1);
    expect(scheduleOf(engine, 1).neededAtMs()).toBe(5000 + audioMs('Sure!'));
    await it.return?.();
  });

  it('moves the deadlines when the listener reports how much of the turn it has played', async () => {
    const engine = new FakeEngine();
    const session = open(engine);
    session.pushText('One. Two. Three.', { flush: true });
    await tick();
    engine.clockMs = 1000;
    engine.calls[0]!.complete();
    const { it } = await take(session, 1);
    engine.clockMs = 9000;
    session.reportPlayed(0); // it stalled: nothing has played yet
    expect(scheduleOf(engine, 1).neededAtMs()).toBe(9000 + audioMs('One.'));
    expect(session.aheadS).toBeCloseTo(
      (audioMs('One.') + audioMs('Two.') + audioMs('Three.')) / 1000,
      6,
    );
    await it.return?.();
  });

  it('opens a new turn after a flush and after a cancel', async () => {
    const engine = new FakeEngine();
    const session = open(engine, { maxInFlight: 8 });
    session.pushText('First turn.', { flush: true });
    session.pushText('Second turn.', { flush: true });
    session.cancel();
    session.pushText('Third turn. More');
    await tick();
    expect(engine.calls.map((c) => c.request.schedule!.opensTurn)).toEqual([true, true, true]);
  });

  it('gives a one-shot its slack: the first audio is due that long after the session opened', async () => {
    const engine = new FakeEngine();
    engine.clockMs = 100;
    const session = open(engine, { schedule: 'oneshot', oneshotSlackMs: 2000 });
    engine.clockMs = 150;
    session.pushText('A whole answer. In two sentences.');
    session.end();
    await tick();
    expect(scheduleOf(engine, 0)).toMatchObject({ kind: 'oneshot' });
    expect(scheduleOf(engine, 0).neededAtMs()).toBe(2100);
    expect(scheduleOf(engine, 1).neededAtMs()).toBe(2100 + audioMs('A whole answer.'));
  });
});

describe('auto chunking', () => {
  const text = 'Well, here we are, as you know. Then she said, with a smile, that it was fine. ';

  it('cuts the first chunk at a clause and later ones too while little audio is ahead', async () => {
    const engine = new FakeEngine(() => 1);
    const session = open(engine, { firstChunk: 'auto', maxInFlight: 8 });
    session.pushText(text, { flush: true });
    await tick();
    expect(engine.texts()).toEqual([
      'Well, here we are,',
      'as you know.',
      'Then she said, with a smile,',
      'that it was fine.',
    ]);
  });

  it('keeps later sentences whole once the listener has ample audio ahead', async () => {
    const engine = new FakeEngine(() => 1);
    engine.estimateScale = 1e4; // the first clauses alone make minutes of audio ahead
    const session = open(engine, { firstChunk: 'auto', maxInFlight: 8 });
    session.pushText(text, { flush: true });
    await tick();
    expect(engine.texts()).toEqual([
      'Well, here we are,',
      'as you know.',
      'Then she said, with a smile, that it was fine.',
    ]);
  });

  it("cuts a turn's first chunk without clause marks just before a natural break from four words", async () => {
    const engine = new FakeEngine(() => 1);
    const session = open(engine, { firstChunk: 'auto', maxInFlight: 8 });
    session.pushText('Let me think about that for a second. ', { flush: true });
    await tick();
    expect(engine.texts()).toEqual(['Let me think about', 'that for a second.']);
  });

  it("cuts a turn's first chunk with no clause mark and no break word after its sixth word, not before", async () => {
    const engine = new FakeEngine(() => 1);
    const session = open(engine, { firstChunk: 'auto', maxInFlight: 8 });
    session.pushText('Please hold the blue line right now. ', { flush: true });
    session.pushText('Here is what I found. ', { flush: true });
    await tick();
    expect(engine.texts()).toEqual([
      'Please hold the blue line right',
      'now.',
      'Here is what I found.',
    ]);
  });

  it('cuts a later chunk at a plain word only from six words, however short the buffer', async () => {
    const engine = new FakeEngine(() => 1);
    const session = open(engine, { firstChunk: 'auto', maxInFlight: 8 });
    session.pushText('Yes. Please hold the blue line now, thanks. ', { flush: true });
    await tick();
    expect(engine.texts()).toEqual(['Yes.', 'Please hold the blue line now,', 'thanks.']);
  });

  it('keeps a long chunk whole when there is time to wait for its end, and never cuts words in clause mode', async () => {
    const ample = new FakeEngine(() => 1);
    ample.estimateScale = 1e4;
    const session = open(ample, { firstChunk: 'auto', maxInFlight: 8 });
    session.pushText('Yes. The meeting room on the third floor is free from two until four. ', {
      flush: true,
    });
    await tick();
    expect(ample.texts()).toEqual([
      'Yes.',
      'The meeting room on the third floor is free from two until four.',
    ]);
    const clause = new FakeEngine(() => 1);
    open(clause, { firstChunk: 'clause', maxInFlight: 8 }).pushText(
      'Let me think about that for a second. ',
      { flush: true },
    );
    await tick();
    expect(clause.texts()).toEqual(['Let me think about that for a second.']);
  });

  it('leaves sentence mode as upstream cuts it', async () => {
    const engine = new FakeEngine(() => 1);
    open(engine, { firstChunk: 'sentence', maxInFlight: 8 }).pushText(text, {
      flush: true,
    });
    await tick();
    expect(engine.texts()).toEqual([
      'Well, here we are, as you know.',
      'Then she said, with a smile, that it was fine.',
    ]);
  });
});
