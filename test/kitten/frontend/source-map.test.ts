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

  it('finds the words after markup that dropped many source words, each in its own place', () => {
    const source = '<span class="a" id="b" title="c d e f">Hello</span> big world out there today.';
    const words = located(source, ['hello', 'big', 'world', 'out', 'there', 'today']);
    expect(words).toEqual([
      '<span class="a" id="b" title="c d e f">Hello</span>',
      'big',
      'world',
      'out',
      'there',
      'today',
    ]);
  });

  it('places the words around a symbol that folds to nothing, and the expansions by their source', () => {
    const source = '3 dogs & 2 birds.';
    expect(located(source, ['three', 'dogs', '&', 'two', 'birds'])).toEqual([
      '3',
      'dogs',
      '& 2',
      '& 2',
      'birds',
    ]);
  });

  it('does not jump far ahead to a common word the next words do not confirm', () => {
    const source = 'One <i>x</i> y z w v said the cat, and the dog.';
    const words = located(source, ['one', 'said', 'the', 'cat', 'and', 'the', 'dog']);
    expect(words).toEqual(['One', 'said', 'the', 'cat', 'and', 'the', 'dog']);
  });
});
