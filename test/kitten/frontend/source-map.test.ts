import { describe, expect, it } from 'vitest';
import { locateWords } from '../../../src/kitten/frontend/source-map.js';

const located = (source: string, words: string[]) =>
  locateWords(source, words).map((r) => (r ? source.slice(...r) : undefined));

describe('locateWords', () => {
  it('finds words normalization only lower-cased, without the marks around them', () => {
    expect(located('Hello, World! "Quoted" text.', ['hello', 'world', 'quoted', 'text'])).toEqual([
      'Hello',
      'World',
      'Quoted',
      'text',
    ]);
  });

  it('maps the words an expansion made to the source they came from, all to the same range', () => {
    expect(located('I paid $5, today.', ['i', 'paid', 'five', 'dollars', 'today'])).toEqual([
      'I',
      'paid',
      '$5',
      '$5',
      'today',
    ]);
  });

  it('skips source words that were dropped (markup) and never jumps far ahead', () => {
    const source = 'Say <b>one</b> thing, then one more.';
    const words = located(source, ['say', 'one', 'thing', 'then', 'one', 'more']);
    expect(words).toEqual(['Say', '<b>one</b>', 'thing', 'then', 'one', 'more']);
  });

  it('leaves a word it cannot place without a range when nothing is left to come from', () => {
    expect(locateWords('Hi.', ['hi', 'extra'])).toEqual([[0, 2], undefined]);
  });
});
