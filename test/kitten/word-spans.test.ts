// Mapping a chunk's words to the phonemizer's words and the model's durations, on the real espeak.
import { beforeAll, describe, expect, it } from 'vitest';
import { createPhonemizer, type Phonemizer } from '../../src/kitten/frontend/phonemize.js';
import { textToIds } from '../../src/kitten/frontend/tokenize.js';
import { alignChunkWords, wordSpans } from '../../src/kitten/word-spans.js';

let phonemizer: Phonemizer;
beforeAll(async () => {
  phonemizer = await createPhonemizer();
});

async function align(text: string) {
  const phonemes = await phonemizer.phonemize(text);
  const words = await alignChunkWords(text, phonemes, (t) => phonemizer.phonemize(t));
  return { phonemes, words };
}

/** Two frames per token: a word's samples are 1200 × its tokens. */
const evenDurations = (phonemes: string) => BigInt64Array.from(textToIds(phonemes), () => 2n);

describe('alignChunkWords', () => {
  it('pairs each word with its own phonemes when espeak says them one by one', async () => {
    const { phonemes, words } = await align('hello world, again.');
    expect(words.map((w) => [w.text, phonemes.slice(w.pFrom, w.pTo)])).toEqual([
      ['hello', 'həlˈoʊ'],
      ['world', 'wˈɜːld'],
      ['again', 'ɐɡˈɛn'],
    ]);
  });

  it('splits words espeak runs together where the phonemes show the cut', async () => {
    const { phonemes, words } = await align('people do not win');
    const [, doWord, notWord] = words;
    expect(doWord!.sharedWith ?? notWord!.sharedWith).toBeUndefined();
    expect(doWord!.pTo).toBe(notWord!.pFrom); // one espeak word, cut in two
    expect(phonemes.slice(doWord!.pFrom, notWord!.pTo)).not.toContain(' ');
  });

  it('pairs every word of a long run-on piece with espeak’s words, in order', async () => {
    const text =
      'it is not that I do not want to go to the sea with you but that I have to be at the office ' +
      'at nine and I do not think that I can get there in time if we go to the sea for the day and ' +
      'come back on the last train of the night so I will have to stay here and you will have to go ' +
      'to the sea on your own or with one of the others if they can';
    const { phonemes, words } = await align(text);
    expect(words.map((w) => w.text)).toEqual(text.split(' '));
    expect(phonemes.split(/\s+/).length).not.toBe(words.length); // the least-cost pairing ran
    for (const [i, w] of words.entries()) {
      expect(w.pFrom).toBeLessThanOrEqual(w.pTo);
      if (i > 0 && w.sharedWith === undefined) expect(w.pFrom).toBeGreaterThanOrEqual(words[i - 1]!.pTo); // prettier-ignore
    }
    expect(words.filter((w) => w.sharedWith === undefined).length).toBeGreaterThan(
      words.length * 0.9,
    );
  });

  it('lets words share one span, and says so, when the phonemes cannot tell them apart', async () => {
    const { words } = await align('the discharge of a duty');
    const shared = words.filter((w) => w.sharedWith !== undefined);
    expect(shared.map((w) => w.text)).toEqual(['of', 'a']);
    expect(shared.map((w) => w.sharedWith)).toEqual([2, 2]);
    expect(shared[0]!.pFrom).toBe(shared[1]!.pFrom);
  });
});

describe('wordSpans', () => {
  /** [startSample, endSample] of `hello world!`'s words, two frames a token, cut at `trimmed`. */
  async function helloWorldSamples(trimmed: number): Promise<number[][]> {
    const { phonemes, words } = await align('hello world!');
    const spans = wordSpans(words, phonemes, evenDurations(phonemes), trimmed);
    return spans.map((s) => [s.startSample, s.endSample]);
  }

  it('turns token frames into samples, spaces and marks between the words', async () => {
    // [pad] h ə l ˈ o ʊ [space] w ˈ ɜ ː l d [space] ! [end] [pad]: 2 frames each.
    expect(await helloWorldSamples(1e9)).toEqual([
      [1200, 8400],
      [9600, 16800],
    ]);
  });

  it('ends a word the trim cuts at the end of the chunk, and one after it where it starts', async () => {
    expect(await helloWorldSamples(6000)).toEqual([
      [1200, 6000],
      [6000, 6000],
    ]);
  });

  it('gives a word espeak does not say an empty span where the next sound starts', async () => {
    const { phonemes, words } = await align('-- hello');
    const spans = wordSpans(words, phonemes, evenDurations(phonemes), 1e9);
    expect(spans[0]).toMatchObject({ text: '--', startSample: spans[1]!.startSample });
    expect(spans[0]!.endSample).toBe(spans[0]!.startSample);
  });

  it('has no spans for a graph without a duration output, or durations that do not fit', async () => {
    const { phonemes, words } = await align('hello world!');
    expect(wordSpans(words, phonemes, null, 1e9)).toEqual([]);
    expect(wordSpans(words, phonemes, BigInt64Array.of(1n, 2n), 1e9)).toEqual([]);
  });
});
