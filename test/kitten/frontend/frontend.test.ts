import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_FRONTEND_OPTIONS,
  runFrontend,
  styleRowFor,
} from '../../../src/kitten/frontend/frontend.js';
import { createPhonemizer, type Phonemizer } from '../../../src/kitten/frontend/phonemize.js';

let phonemizer: Phonemizer;
beforeAll(async () => {
  phonemizer = await createPhonemizer();
});

describe('styleRowFor', () => {
  it('counts code points and clamps to rows - 1', () => {
    expect(styleRowFor('Hello world,', 400)).toBe(12);
    expect(styleRowFor('😀😀,', 400)).toBe(3);
    expect(styleRowFor('x'.repeat(1000), 400)).toBe(399);
    expect(styleRowFor('abc', 2)).toBe(1);
  });
});

describe('runFrontend', () => {
  it('normalizes by default and gives text, style row, phonemes and ids per chunk', async () => {
    expect(DEFAULT_FRONTEND_OPTIONS.normalize).toBe(true);
    const chunks = await runFrontend('Hello world! This is a test.', phonemizer);
    expect(chunks).toEqual([
      {
        text: 'hello world!',
        styleRow: 12,
        phonemes: 'həlˈoʊ wˈɜːld! ',
        inputIds: [0, 50, 83, 54, 156, 57, 135, 16, 65, 156, 87, 158, 54, 46, 16, 5, 10, 0],
      },
      {
        text: 'this is a test.',
        styleRow: 15,
        phonemes: 'ðɪs ɪz ɐ tˈɛst. ',
        inputIds: [0, 81, 102, 61, 16, 102, 68, 16, 70, 16, 62, 156, 86, 61, 62, 16, 4, 10, 0],
      },
    ]);
  });

  it('keeps the text as written without normalization', async () => {
    const chunks = await runFrontend('It costs $5', phonemizer, { normalize: false });
    expect(chunks.map((c) => c.text)).toEqual(['It costs $5,']);
  });

  it('uses the style table size it is given', async () => {
    const [chunk] = await runFrontend('A fairly long sentence.', phonemizer, {
      normalize: false,
      styleRows: 5,
    });
    expect(chunk!.styleRow).toBe(4);
  });

  // Bad input: each case has a defined result and never throws.
  describe.each([true, false])('with normalize=%s', (normalize) => {
    it('gives no chunks for empty or whitespace-only text', async () => {
      expect(await runFrontend('', phonemizer, { normalize })).toEqual([]);
      expect(await runFrontend(' \t\n\u3000 ', phonemizer, { normalize })).toEqual([]);
    });

    it('keeps marks of text without letters, as upstream sends them', async () => {
      const [chunk] = await runFrontend('...', phonemizer, { normalize });
      expect(chunk).toEqual({
        text: '...',
        styleRow: 3,
        phonemes: '...',
        inputIds: [0, 4, 16, 4, 16, 4, 10, 0],
      });
    });

    it('survives control characters and lone surrogates', async () => {
      const chunks = await runFrontend('Hi\u0007 there \uD800 you\u0000 all.', phonemizer, {
        normalize,
      });
      expect(chunks).toHaveLength(1);
      expect(chunks[0]!.text).not.toMatch(/\p{Cs}/u);
      expect(chunks[0]!.inputIds.slice(0, 2)).toEqual([0, 50]); // "h…"
      expect(chunks[0]!.inputIds.slice(-2)).toEqual([10, 0]);
    });

    it('chunks 100k characters of text into pieces of at most 401 characters', async () => {
      const text = 'The rain in Spain stays mainly in the plain and nobody minds it at all '.repeat(
        1430,
      );
      expect(text.length).toBeGreaterThan(100_000);
      const chunks = await runFrontend(text, phonemizer, { normalize });
      expect(chunks.length).toBeGreaterThan(250);
      expect(chunks.every((c) => c.text.length <= 401 && c.styleRow <= 399)).toBe(true);
    });
  });

  it('keeps a 100k-character word as one chunk with the last style row', async () => {
    const chunks = await runFrontend('a'.repeat(100_000), phonemizer, { normalize: false });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.styleRow).toBe(399);
    expect(chunks[0]!.inputIds.length).toBeGreaterThan(3);
  });

  it('reads emoji and symbols as espeak names them', async () => {
    const [chunk] = await runFrontend('#', phonemizer, { normalize: false });
    expect(chunk!.text).toBe('#,');
    expect(chunk!.phonemes).toBe('hˈæʃ, ');
  });
});
