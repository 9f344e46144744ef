import { describe, expect, it } from 'vitest';
import {
  chunkText,
  codePointLength,
  ensurePunctuation,
  isSentenceBoundary,
  MAX_CHUNK_CHARS,
  pyStrip,
} from '../../../src/kitten/frontend/chunk.js';

describe('ensurePunctuation', () => {
  it('appends a comma when the text does not end in . ! ? , ; :', () => {
    expect(ensurePunctuation('Hello world')).toBe('Hello world,');
    expect(ensurePunctuation('Wait —')).toBe('Wait —,');
    expect(ensurePunctuation('quoted"')).toBe('quoted",');
  });

  it('keeps text that already ends in a terminator or pause mark', () => {
    for (const s of ['Yes.', 'No!', 'Why?', 'one,', 'two;', 'three:'])
      expect(ensurePunctuation(s)).toBe(s);
  });

  it('strips Python whitespace first and leaves empty text empty', () => {
    expect(ensurePunctuation('  hi \u3000\x1f')).toBe('hi,');
    expect(ensurePunctuation(' \t\n ')).toBe('');
    // U+FEFF is not whitespace to Python, so it stays and gets a comma.
    expect(ensurePunctuation('\ufeff')).toBe('\ufeff,');
  });
});

describe('isSentenceBoundary', () => {
  const at = (text: string, marker: number) => isSentenceBoundary(text, marker);

  it('needs . ! or ? followed by whitespace or the end', () => {
    expect(at('Hi. You', 2)).toBe(true);
    expect(at('Hi!', 2)).toBe(true);
    expect(at('e.g', 1)).toBe(false);
    expect(at('Hi, you', 2)).toBe(false);
    expect(at('He said "no." Then', 11)).toBe(false);
  });

  it('does not split decimals or version numbers', () => {
    expect(at('Pi is 3.14 today', 7)).toBe(false);
    expect(chunkText('He ran 26.2 miles. Then 2.0.1 shipped.')).toEqual([
      'He ran 26.2 miles.',
      'Then 2.0.1 shipped.',
    ]);
  });

  it('skips the listed abbreviations, case-insensitively', () => {
    expect(chunkText('Dr. Smith met Mr. Jones and Mrs. Doe.')).toEqual([
      'Dr. Smith met Mr. Jones and Mrs. Doe.',
    ]);
    expect(chunkText('See Fig. 3 and pp. 4 in Sept. 2021, et al. agreed.')).toHaveLength(1);
    expect(chunkText('PROF. X left.')).toEqual(['PROF. X left.']);
  });

  it('splits after abbreviations that are not listed', () => {
    expect(chunkText('They visited St. Louis.')).toEqual(['They visited St.', 'Louis.']);
    expect(chunkText('A.I. and U.S.A. are here.')).toEqual(['A.I.', 'and U.S.A.', 'are here.']);
  });

  it('ends a sentence after a.m./p.m. only before an uppercase start or the end', () => {
    expect(chunkText('Meet at 10 a.m. on Monday.')).toEqual(['Meet at 10 a.m. on Monday.']);
    expect(chunkText('Meet at 10 a.m. The room is booked.')).toEqual([
      'Meet at 10 a.m.',
      'The room is booked.',
    ]);
    expect(chunkText('It ends at 5 P.M.')).toEqual(['It ends at 5 P.M.']);
    expect(chunkText('Not a time: gm. next')).toEqual(['Not a time: gm.', 'next,']);
    // \b before a/p is Unicode-aware, as in Python: "éa.m." is not a time.
    expect(chunkText('Café a.m. x and éa.m. x')).toEqual(['Café a.m. x and éa.m.', 'x,']);
  });
});

describe('chunkText', () => {
  it('keeps each sentence with its terminator, runs of terminators included', () => {
    expect(chunkText('Multiple!!! Exclamation??? Marks?!')).toEqual([
      'Multiple!!!',
      'Exclamation???',
      'Marks?!',
    ]);
    expect(chunkText('Ellipsis... at the end...')).toEqual(['Ellipsis...', 'at the end...']);
  });

  it('turns trailing text into a sentence with a comma', () => {
    expect(chunkText('Hello world. No end')).toEqual(['Hello world.', 'No end,']);
  });

  it('gives nothing for empty or whitespace-only text', () => {
    expect(chunkText('')).toEqual([]);
    expect(chunkText(' \t\n\u2028 ')).toEqual([]);
  });

  it('keeps a sentence of exactly 400 characters whole', () => {
    const sentence = `${'word '.repeat(79)}word.`; // 400 chars
    expect(sentence).toHaveLength(MAX_CHUNK_CHARS);
    expect(chunkText(sentence)).toEqual([sentence]);
  });

  it('word-splits longer sentences greedily into pieces of at most 400 characters', () => {
    const text = 'word '.repeat(250).trim(); // 1249 chars, no terminator
    const chunks = chunkText(text);
    expect(chunks.map((c) => c.length)).toEqual([400, 400, 400, 50]);
    // 80 words make 399 chars; the 81st would need 404, so the piece closes and gets a comma.
    expect(chunks[0]).toBe(`${'word '.repeat(79)}word,`);
    expect(chunks.every((c) => c.endsWith(','))).toBe(true);
  });

  it('keeps a single word longer than 400 characters as one chunk', () => {
    const word = 'x'.repeat(1000);
    expect(chunkText(`Start. ${word} end.`)).toEqual(['Start.', `${word},`, 'end.']);
  });

  it('re-joins the words of a split sentence with single spaces', () => {
    const text = `${'a\t\n'.repeat(300)}b.`;
    const chunks = chunkText(text);
    expect(chunks).toHaveLength(2);
    expect(chunks[0]).toBe(`${'a '.repeat(199)}a,`);
  });

  it('keeps whitespace inside a sentence that needs no split', () => {
    expect(chunkText('Tabs\tand\nnewlines\n\nshould be fine.')).toEqual([
      'Tabs\tand\nnewlines\n\nshould be fine.',
    ]);
  });

  it('measures length in code points, as Python len does', () => {
    const emoji = '😀'.repeat(399); // 798 UTF-16 units, 399 code points
    expect(codePointLength(`${emoji}.`)).toBe(400);
    expect(chunkText(`${emoji}.`)).toEqual([`${emoji}.`]);
  });

  it('honours a smaller maxLen', () => {
    expect(chunkText('one two three four', 9)).toEqual(['one two,', 'three,', 'four,']);
  });

  it('stays linear on long adversarial input', () => {
    const text = 'a.m. '.repeat(20_000);
    const started = performance.now();
    expect(chunkText(text).length).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('pyStrip', () => {
  it('strips Python whitespace, including \\x1c-\\x1f and \\x85', () => {
    expect(pyStrip('\x1c\x85 a b \x1f')).toBe('a b');
  });
});
