// English number words (upstream number_to_words, float_to_words, _ordinal_suffix).
import { describe, expect, it } from 'vitest';
import {
  floatToWords,
  numberToWords,
  ordinalWords,
  spellDigits,
} from '../../../../src/kitten/frontend/normalize/number-words.js';
import { PyValueError } from '../../../../src/kitten/frontend/normalize/py-compat.js';

describe('numberToWords', () => {
  it.each([
    [0n, 'zero'],
    [13n, 'thirteen'],
    [21n, 'twenty-one'],
    [101n, 'one hundred one'],
    [1000n, 'one thousand'],
    [1200n, 'twelve hundred'],
    [1900n, 'nineteen hundred'],
    [2100n, 'two thousand one hundred'],
    [-42n, 'negative forty-two'],
    [999_999_999_999_999n, 'nine hundred ninety-nine trillion nine hundred ninety-nine billion nine hundred ninety-nine million nine hundred ninety-nine thousand nine hundred ninety-nine'], // prettier-ignore
  ])('spells %d as "%s" in both modes', (n, words) => {
    expect(numberToWords(n, true)).toBe(words);
    expect(numberToWords(n, false)).toBe(words);
  });

  it('drops every group above trillion in strict mode, like upstream', () => {
    expect(numberToWords(10n ** 15n, true)).toBe('');
    expect(numberToWords(2_000_000_000_000_005n, true)).toBe('five');
  });

  it('spells up to decillion and then digit by digit outside strict mode', () => {
    expect(numberToWords(10n ** 15n, false)).toBe('one quadrillion');
    expect(numberToWords(10n ** 33n + 7n, false)).toBe('one decillion seven');
    expect(numberToWords(10n ** 36n, false)).toBe(`one ${Array(36).fill('zero').join(' ')}`);
  });
});

describe('floatToWords', () => {
  it('reads decimal digits one by one and keeps trailing zeros of the string', () => {
    expect(floatToWords('3.10', true)).toBe('three point one zero');
    expect(floatToWords('-0.5', true)).toBe('negative zero point five');
    expect(floatToWords('.5', true)).toBe('zero point five');
    expect(floatToWords('7', true)).toBe('seven');
  });

  it('raises where Python int() would, e.g. on an exponent repr', () => {
    expect(() => floatToWords('1e-05', true)).toThrow(PyValueError);
    expect(() => floatToWords('1.5e+16', true)).toThrow(PyValueError);
  });
});

describe('ordinalWords', () => {
  it.each([
    [1n, 'first'],
    [2n, 'second'],
    [3n, 'third'],
    [5n, 'fifth'],
    [8n, 'eighth'],
    [9n, 'ninth'],
    [12n, 'twelfth'],
    [21n, 'twenty-first'],
    [100n, 'one hundredth'],
    [0n, 'zeroth'],
  ])('makes %d "%s"', (n, words) => {
    expect(ordinalWords(n, true)).toBe(words);
    expect(ordinalWords(n, false)).toBe(words);
  });

  it('gives the tens "-yth" in strict mode and "-ieth" otherwise', () => {
    expect(ordinalWords(40n, true)).toBe('fortyth');
    expect(ordinalWords(40n, false)).toBe('fortieth');
    expect(ordinalWords(10n ** 15n, true)).toBe('th');
  });
});

describe('spellDigits', () => {
  it('reads each digit', () => {
    expect(spellDigits('1024')).toBe('one zero two four');
  });
});
