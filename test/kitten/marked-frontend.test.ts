// The worker's front-end for chunks with phoneme markup, on the real espeak: only the marked words'
// phonemes change, a merge espeak made is cut or rebuilt by the documented rule, and the words line
// up with the spliced phonemes for word timings.
import { beforeAll, describe, expect, it } from 'vitest';
import { frontendChunk } from '../../src/kitten/frontend/frontend.js';
import { createPhonemizer, type Phonemizer } from '../../src/kitten/frontend/phonemize.js';
import { textToIds } from '../../src/kitten/frontend/tokenize.js';
import { markedFrontendChunk } from '../../src/kitten/marked-frontend.js';

let phonemizer: Phonemizer;
beforeAll(async () => {
  phonemizer = await createPhonemizer();
});

const said = (f: Awaited<ReturnType<typeof markedFrontendChunk>>) =>
  f.words!.map((w) => [w.text, f.phonemes.slice(w.pFrom, w.pTo), w.sharedWith]);

describe('markedFrontendChunk', () => {
  it('gives a chunk without markup exactly what frontendChunk gives', async () => {
    const text = 'I do not know, said the kitten.';
    expect(await markedFrontendChunk(text, phonemizer)).toEqual(
      await frontendChunk(text, phonemizer),
    );
  });

  it('replaces only the marked word and reports it with its display text', async () => {
    const plain = await frontendChunk('hello world, again.', phonemizer);
    const marked = await markedFrontendChunk('hello [world](/wˈɜːld ə/), again.', phonemizer);
    expect(marked.text).toBe('hello world, again.');
    expect(marked.styleRow).toBe(plain.styleRow);
    expect(marked.phonemes).toBe(plain.phonemes.replace('wˈɜːld', 'wˈɜːld ə'));
    expect(marked.inputIds).toEqual(textToIds(marked.phonemes));
    expect(said(marked)).toEqual([
      ['hello', 'həlˈoʊ', undefined],
      ['world', 'wˈɜːld ə', undefined],
      ['again', 'ɐɡˈɛn', undefined],
    ]);
  });

  it('cuts a merge espeak made where the phonemes show it, the mark becoming a word of its own', async () => {
    const plain = await frontendChunk('I do not know.', phonemizer);
    expect(plain.phonemes).toContain('duːnˌɑːt');
    const marked = await markedFrontendChunk('I do [not](/nˈɑːt/) know.', phonemizer);
    expect(marked.phonemes).toBe(plain.phonemes.replace('duːnˌɑːt', 'duː nˈɑːt'));
    expect(said(marked).slice(1, 3)).toEqual([
      ['do', 'duː', undefined],
      ['not', 'nˈɑːt', undefined],
    ]);
  });

  it('rebuilds a merge it cannot cut word by word: the given phonemes, the others said alone', async () => {
    const plain = await frontendChunk('the discharge of a duty', phonemizer);
    const marked = await markedFrontendChunk('the discharge [of](/ʌv/) a duty', phonemizer);
    const alone = await phonemizer.phonemize('a');
    const merged = plain.phonemes.split(' ')[2]!; // espeak's `of a`
    expect(marked.phonemes).toBe(plain.phonemes.replace(merged, `ʌv ${alone.trim()}`));
    expect(said(marked).slice(2, 4)).toEqual([
      ['of', `ʌv ${alone.trim()}`, 2],
      ['a', `ʌv ${alone.trim()}`, 2],
    ]);
  });
});
