// planRequest with phoneme markup and a lexicon: markup is checked before anything runs, survives
// normalization and chunking whole, and text without markup or hits plans exactly as before.
import { describe, expect, it } from 'vitest';
import { planRequest } from '../../src/engine/plan-request.js';
import { BadRequestError } from '../../src/errors.js';
import { planChunks } from '../../src/kitten/frontend/frontend.js';
import { Lexicon } from '../../src/kitten/frontend/lexicon.js';

const MARKUP = '[Dr. Who](/dˈɑːktɚ. hˈuː!/)';

describe('planRequest with phoneme markup', () => {
  it('plans text without markup or lexicon hits exactly as planChunks does', () => {
    const text = `${'The quick brown fox jumps over the lazy dog, and it is 5 p.m. '.repeat(12)}Done!`;
    const lexicon = new Lexicon({ kittentts: 'kˈɪtən' });
    expect(planRequest(text, true, lexicon)).toEqual(planChunks(text));
    expect(planRequest(text, false)).toEqual(planChunks(text, { normalize: false }));
  });

  it('never cuts a chunk inside markup, even where its text and phonemes hold sentence ends', () => {
    // Long sentences, so the chunker packs words; the markup lands at every position in turn.
    for (let words = 60; words < 75; words++) {
      const text = `${'word '.repeat(words)}${MARKUP} ${'more '.repeat(30)}end.`;
      for (const normalize of [true, false]) {
        const chunks = planRequest(text, normalize);
        expect(chunks.filter((c) => c.includes(MARKUP))).toHaveLength(1);
        expect(chunks.join(' ')).not.toMatch(/zqxj/);
        expect(chunks.join(' ').split('[').length).toBe(2);
      }
    }
  });

  it('answers an unknown phoneme symbol with a 400 naming it', () => {
    const plan = () => planRequest('Say [Kitten](/kˈɪt3n/) now.', true);
    expect(plan).toThrow(BadRequestError);
    expect(plan).toThrow(/'3' \(U\+0033\) is not in the model's symbol table/);
  });

  it('writes lexicon hits as markup: whole words, any case, after normalization', () => {
    const lexicon = new Lexicon({ KittenTTS: 'kˈɪtən tˌiːtˌiːˈɛs' });
    const [chunk] = planRequest('KITTENTTS and kittenttsx and KittenTTS.', true, lexicon);
    expect(chunk).toBe(
      '[kittentts](/kˈɪtən tˌiːtˌiːˈɛs/) and kittenttsx and [kittentts](/kˈɪtən tˌiːtˌiːˈɛs/).',
    );
  });

  it('takes the longest entry over several words, with the text between them as written', () => {
    const lexicon = new Lexicon({ New: 'nˈuː', 'new york': 'nˈuː jˈɔːɹk', york: 'jˈɔːk' });
    expect(planRequest('New York, new, York.', true, lexicon)).toEqual([
      '[new york](/nˈuː jˈɔːɹk/), [new](/nˈuː/), [york](/jˈɔːk/).',
    ]);
  });

  it('refuses a lexicon word that does not start and end with a letter or digit', () => {
    expect(() => new Lexicon({ 'C++': 'sˈiː' })).toThrow(
      /'C\+\+' must start and end with a letter/,
    );
  });

  it('leaves inline markup to win over a lexicon entry for the same word', () => {
    const lexicon = new Lexicon({ kitten: 'kˈɪtən' });
    expect(planRequest('A [kitten](/kˈæt/) here.', true, lexicon)).toEqual([
      'a [kitten](/kˈæt/) here.',
    ]);
  });
});
