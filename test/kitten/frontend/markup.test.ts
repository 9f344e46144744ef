// Phoneme markup as the chunkers see it: never cut inside, and text without it chunked exactly as
// chunk_text chunks it; display text and marks stripped out for the worker.
import { describe, expect, it } from 'vitest';
import { chunkText } from '../../../src/kitten/frontend/chunk.js';
import { chunkMarkedText, stripMarkup } from '../../../src/kitten/frontend/markup.js';

const MARKUP = '[Dr. Who](/dˈɑːktɚ. hˈuː!/)';

describe('chunkMarkedText', () => {
  it('chunks text without markup exactly as chunkText does', () => {
    const text = `${'Hello there, friend. How are you? '.repeat(20)}${'word '.repeat(120)}end`;
    expect(chunkMarkedText(text)).toEqual(chunkText(text));
  });

  it('never cuts inside markup, whose text and phonemes hold sentence ends and spaces', () => {
    expect(chunkText(`Meet ${MARKUP} today.`).length).toBeGreaterThan(1);
    for (let words = 55; words < 80; words++) {
      const chunks = chunkMarkedText(`${'word '.repeat(words)}${MARKUP} ${'more '.repeat(30)}end.`);
      expect(chunks.filter((c) => c.includes(MARKUP))).toHaveLength(1);
      expect(chunks.join(' ').split('[').length).toBe(2);
    }
  });
});

describe('stripMarkup', () => {
  it('leaves the display text and where each mark is in it', () => {
    const { text, marks } = stripMarkup(`Meet ${MARKUP} and [Kit](/kˈɪt/).`);
    expect(text).toBe('Meet Dr. Who and Kit.');
    expect(marks).toEqual([
      { from: 5, to: 12, phonemes: 'dˈɑːktɚ. hˈuː!' },
      { from: 17, to: 20, phonemes: 'kˈɪt' },
    ]);
  });
});
