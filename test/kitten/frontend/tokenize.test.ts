import { describe, expect, it } from 'vitest';
import {
  retokenize,
  SYMBOLS,
  symbolsToIds,
  textToIds,
} from '../../../src/kitten/frontend/tokenize.js';

describe('SYMBOLS', () => {
  it('has the 178 upstream positions with pad, letters and IPA where upstream puts them', () => {
    expect(SYMBOLS).toHaveLength(178);
    expect(SYMBOLS[0]).toBe('$');
    expect(SYMBOLS[17]).toBe('A');
    expect(SYMBOLS[68]).toBe('z');
    expect(SYMBOLS[69]).toBe('ɑ');
    expect(SYMBOLS[177]).toBe('ᵻ');
  });

  it('uses ASCII quotes, never curly ones', () => {
    expect(SYMBOLS[11]).toBe('"');
    expect(SYMBOLS[14]).toBe('"');
    expect(SYMBOLS[15]).toBe('"');
    expect(SYMBOLS).not.toContain('\u201c');
    expect(SYMBOLS).not.toContain('\u201d');
  });
});

describe('symbolsToIds', () => {
  it('lets the last duplicate win: " → 15, space → 16, \' → 176, U+0329 → 175', () => {
    expect(symbolsToIds('"')).toEqual([15]);
    expect(symbolsToIds(' ')).toEqual([16]);
    expect(symbolsToIds("'")).toEqual([176]);
    expect(symbolsToIds('\u0329')).toEqual([175]);
  });

  it('maps the frequent IPA symbols to their upstream ids', () => {
    expect(symbolsToIds('ˈˌːəɪɹɾʊʌɚɛɜæɑɐɔðθŋʃʒɡʔ')).toEqual([
      156, 157, 158, 83, 102, 123, 125, 135, 138, 85, 86, 87, 72, 69, 70, 76, 81, 119, 112, 131,
      147, 92, 148,
    ]);
  });

  it('drops unknown characters, including astral ones, by code point', () => {
    expect(symbolsToIds('a😀b“c')).toEqual([43, 44, 45]);
  });
});

describe('retokenize', () => {
  it('keeps letters, IPA letters and stress marks inside words', () => {
    expect(retokenize('həlˈoʊ wˈɜːld! ')).toBe('həlˈoʊ wˈɜːld !');
  });

  it('makes every other non-space character its own token', () => {
    expect(retokenize('(pɚɹˈɛn) ænd')).toBe('( pɚɹˈɛn ) ænd');
    expect(retokenize('ɡˈɑːʔn̩')).toBe('ɡˈɑːʔn ̩');
    expect(retokenize('a...b')).toBe('a . . . b');
  });

  it('uses Python whitespace: \\x1c-\\x1f and \\x85 separate, U+FEFF is a token', () => {
    expect(retokenize('a\x1cb\x85c')).toBe('a b c');
    expect(retokenize('a\ufeffb')).toBe('a \ufeff b');
  });

  it('treats astral symbols as one token each', () => {
    expect(retokenize('a😀😀b')).toBe('a 😀 😀 b');
  });
});

describe('textToIds', () => {
  it('wraps ids as [0] + ids + [10, 0]', () => {
    expect(textToIds('həlˈoʊ wˈɜːld! ')).toEqual([
      0, 50, 83, 54, 156, 57, 135, 16, 65, 156, 87, 158, 54, 46, 16, 5, 10, 0,
    ]);
  });

  it('keeps the spaces around dropped characters', () => {
    // "(" and ")" are not in the table; their token spaces survive as 16s.
    expect(textToIds('(pɚɹ) ænd')).toEqual([0, 16, 58, 85, 123, 16, 16, 72, 56, 46, 10, 0]);
    expect(textToIds('a 😀 b')).toEqual([0, 43, 16, 16, 44, 10, 0]);
  });

  it('maps ASCII quotes to 15', () => {
    expect(textToIds('"aɪ"')).toEqual([0, 15, 16, 43, 102, 16, 15, 10, 0]);
  });

  it('gives only the wrapper for empty phonemes', () => {
    expect(textToIds('')).toEqual([0, 10, 0]);
  });
});
