import { describe, expect, it } from 'vitest';
import { insideMarkup, MAX_MARKUP_CHARS } from '../../src/session/markup-span.js';
import { Segmenter } from '../../src/session/segmenter.js';

/** Every index of `text` the guard calls inside markup, as the characters there. */
const inside = (text: string) => [...text].filter((_, i) => insideMarkup(text, i)).join('');

describe('insideMarkup', () => {
  it('covers the display text and the phonemes of inline markup, and nothing around them', () => {
    const text = 'Say [Kitten TTS](/kˈɪtən tˌiː./) now.';
    expect(inside(text)).toBe('Kitten TTS](/kˈɪtən tˌiː./)');
  });

  it('covers a pause tag, and a markup still being typed', () => {
    expect(inside('Wait [pause:0.5s] then.')).toBe('pause:0.5s]');
    expect(inside('Say [Kitten](/kˈɪt ən')).toBe('Kitten](/kˈɪt ən');
  });

  it('treats brackets without phonemes as plain text after the bracket', () => {
    expect(inside('A [note] here. Done.')).toBe('note]');
  });

  it(`forgets a stray bracket ${MAX_MARKUP_CHARS} characters later`, () => {
    const text = `[${'a '.repeat(MAX_MARKUP_CHARS)}`;
    expect(insideMarkup(text, 10)).toBe(true);
    expect(insideMarkup(text, text.length - 1)).toBe(false);
  });
});

describe('Segmenter with inline markup', () => {
  it('never cuts inside markup at a word cut or a clause mark', () => {
    const seg = new Segmenter({
      firstChunk: 'auto',
      minWordCutWords: 1,
      wordCutWanted: () => true,
      clauseWanted: () => true,
    });
    const text = 'Please say [Kitten TTS, now](/kˈɪtən tˌiː, tˌiː ˈɛs/) slowly, then stop. Done.';
    const out = [...text].flatMap((ch) => seg.push(ch));
    out.push(...seg.flush());
    const marked = out.filter((c) => c.includes('[') || c.includes(']') || c.includes('/'));
    expect(marked).toHaveLength(1);
    expect(marked[0]).toContain('[Kitten TTS, now](/kˈɪtən tˌiː, tˌiː ˈɛs/)');
    expect(out.join(' ').replace(/\s+/g, ' ')).toBe(text);
  });
});
