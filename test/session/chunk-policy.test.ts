// Load-aware chunking (chunk-policy.ts) on a fake engine: the listener's audio ahead is the fake's
// estimate of the chunks not yet finished (none finish here), the queue is what the test sets.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TtsSession, type TtsSessionOptions } from '../../src/session/tts-session.js';
import { FakeEngine, tick } from './fake-engine.js';

function open(engine: FakeEngine, options: Partial<TtsSessionOptions> = {}): TtsSession {
  return new TtsSession(engine, {
    modelId: 'kitten-tts-nano',
    voice: 'Bella',
    firstChunk: 'auto',
    maxInFlight: 64,
    maxBufferedChunks: 64,
    ...options,
  });
}

/** The chunks a session cuts from `text`, fed as LLM tokens (a word or a mark at a time). */
async function cuts(engine: FakeEngine, text: string, options: Partial<TtsSessionOptions> = {}) {
  const session = open(engine, options);
  for (const token of text.match(/\s*[^\s,.;:!?]+|\s*[,.;:!?]/g) ?? []) session.pushText(token);
  session.flush();
  await tick();
  return engine.texts();
}

/** A fake whose audio estimates make `opening` alone about `aheadS` seconds ahead of the listener. */
function engineWithAhead(opening: string, aheadS: number, queueS = 0): FakeEngine {
  const engine = new FakeEngine();
  engine.estimateScale = aheadS / new FakeEngine().estimateAudioS('', opening);
  engine.queueS = queueS;
  return engine;
}

const OPENING = 'Well, here we are, as you know.';
/** The estimated audio of the opening's two chunks: what is ahead of the next sentence. */
const aheadOfOpening = (engine: FakeEngine) =>
  engine.estimateAudioS('', 'Well, here we are,') + engine.estimateAudioS('', 'as you know.');
const LATER = ' Then she said, with a smile, that it was fine.';

describe('load-aware chunking', () => {
  it('keeps a later sentence whole when the buffer is ample and the queue empty', async () => {
    const engine = engineWithAhead(OPENING, 30);
    expect(await cuts(engine, OPENING + LATER)).toEqual([
      'Well, here we are,',
      'as you know.',
      'Then she said, with a smile, that it was fine.',
    ]);
  });

  it('cuts at a clause when the queue ahead of the chunk is longer than the buffer', async () => {
    const engine = engineWithAhead(OPENING, 30, 40);
    expect(await cuts(engine, OPENING + LATER)).toEqual([
      'Well, here we are,',
      'as you know.',
      'Then she said, with a smile,',
      'that it was fine.',
    ]);
    // It asked for the work due before the chunk's deadline: when the audio ahead runs out.
    const aheadMs = 1000 * aheadOfOpening(engine);
    expect(engine.queueAsks.some((ms) => Math.abs(ms - aheadMs) < 1)).toBe(true);
  });

  it('cuts at a clause when the buffer is short, with no queue at all', async () => {
    const engine = engineWithAhead(OPENING, 0.1);
    expect(await cuts(engine, OPENING + LATER)).toEqual([
      'Well, here we are,',
      'as you know.',
      'Then she said, with a smile,',
      'that it was fine.',
    ]);
  });

  it('ignores the queue under the buffer policy (the earlier rule)', async () => {
    const engine = engineWithAhead(OPENING, 30, 40);
    expect(await cuts(engine, OPENING + LATER, { chunkPolicy: 'buffer' })).toEqual([
      'Well, here we are,',
      'as you know.',
      'Then she said, with a smile, that it was fine.',
    ]);
    expect(engine.queueAsks).toEqual([]);
  });

  it('cuts a sentence with no clause mark just before a break word once the queue is long', async () => {
    const later = ' The courier will deliver your parcel tomorrow before noon at the latest.';
    const ample = engineWithAhead(OPENING, 30, 0);
    expect((await cuts(ample, OPENING + later)).slice(2)).toEqual([
      'The courier will deliver your parcel tomorrow before noon at the latest.',
    ]);
    // A queue that leaves 0.75 s of slack: a natural break is wanted (it leaves a second), a bare
    // word is not (it leaves half a second).
    const loaded = engineWithAhead(OPENING, 30);
    loaded.queueS = aheadOfOpening(loaded) - 0.75;
    expect((await cuts(loaded, OPENING + later)).slice(2)).toEqual([
      'The courier will deliver your parcel tomorrow',
      'before noon at the latest.',
    ]);
  });

  it('ends a long chunk at its next cut when more streams are live than workers, even with an ample buffer', async () => {
    const engine = engineWithAhead(OPENING, 30);
    // The fake costs a character 0.1 ms: a hold of 2 ms is reached at the 20th character.
    const contended = () => true;
    expect(await cuts(engine, OPENING + LATER, { chunkHoldS: 0.002, contended })).toEqual([
      'Well, here we are,',
      'as you know.',
      'Then she said, with a smile,',
      'that it was fine.',
    ]);
  });

  it('keeps the same sentence whole when no more streams are live than workers', async () => {
    const engine = engineWithAhead(OPENING, 30);
    const options = { chunkHoldS: 0.002, contended: () => false };
    expect(await cuts(engine, OPENING + LATER, options)).toEqual([
      'Well, here we are,',
      'as you know.',
      'Then she said, with a smile, that it was fine.',
    ]);
  });

  it('cuts a contended sentence with no clause mark after a plain word, never before six words', async () => {
    const later = ' The courier will deliver your parcel tomorrow before noon at the latest.';
    const engine = engineWithAhead(OPENING, 30);
    // The hold (10 characters) is reached at the second word; the sixth is the first a cut may follow.
    const options = { chunkHoldS: 0.001, contended: () => true };
    expect((await cuts(engine, OPENING + later, options)).slice(2)).toEqual([
      'The courier will deliver your parcel',
      'tomorrow before noon at the latest.',
    ]);
  });

  it('never cuts inside a word, a number or markup, however urgent a cut is', async () => {
    const text =
      'Right, so. The price went from 3.5 to 1,000 dollars and 5 kg weigh more than ' +
      '[one two three four five six seven](/wʌn tuː/) or <span class="a b c d e f g">this</span> ' +
      'because nothing else would fit there at all.';
    const engine = engineWithAhead(OPENING, 0, 100);
    const chunks = await cuts(engine, text);
    expect(chunks.length).toBeGreaterThan(4); // urgency did cut it up
    expect(chunks.join(' ').split(/\s+/)).toEqual(text.split(/\s+/)); // whole words, in order
    for (const kept of [
      '1,000 dollars',
      '5 kg',
      '[one two three four five six seven](/wʌn tuː/)',
      '<span class="a b c d e f g">this</span>',
    ])
      expect(chunks.some((c) => c.includes(kept))).toBe(true);
  });
});

describe('a short opening', () => {
  afterEach(() => vi.useRealTimers());

  it('goes out alone by default', async () => {
    const engine = engineWithAhead(OPENING, 0.1);
    expect((await cuts(engine, 'Sure! I can help, of course.'))[0]).toBe('Sure!');
  });

  it('goes out with the next clause when merged and the clause comes within the wait', async () => {
    const engine = engineWithAhead(OPENING, 0.1);
    const chunks = await cuts(engine, 'Sure! I can help, of course.', { shortOpening: 'merge' });
    expect(chunks).toEqual(['Sure! I can help,', 'of course.']);
  });

  it('goes out alone when merged and nothing follows within the wait', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const engine = new FakeEngine();
    engine.estimateScale = 1e4; // "Sure!" alone is ample audio ahead: no finer cut after it
    const session = open(engine, { shortOpening: 'merge', shortOpeningWaitMs: 300 });
    session.pushText('Sure! I');
    await tick();
    expect(engine.texts()).toEqual([]);
    vi.advanceTimersByTime(300);
    await tick();
    expect(engine.texts()).toEqual(['Sure!']);
    session.pushText(' can help you with that.', { flush: true });
    await tick();
    expect(engine.texts()).toEqual(['Sure!', 'I can help you with that.']);
  });
});
