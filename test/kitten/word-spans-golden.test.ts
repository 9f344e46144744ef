// Word timings over every chunk of the golden corpus (normalized and raw), through the tiny
// stand-in model: every word gets a span, spans are in order and never overlap, none ends after
// the chunk's audio, and every boundary is a token boundary of the graph's `duration` output ×600,
// cut by the trim — the words' samples add up, to the sample, to their tokens' frames.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frontendChunk } from '../../src/kitten/frontend/frontend.js';
import { createPhonemizer, type Phonemizer } from '../../src/kitten/frontend/phonemize.js';
import { SYMBOLS } from '../../src/kitten/frontend/tokenize.js';
import { readModelDir } from '../../src/kitten/hub/model-store.js';
import { KittenSynthesizer } from '../../src/kitten/synthesizer.js';
import { TRIM_TAIL_SAMPLES } from '../../src/kitten/trim.js';
import { SAMPLES_PER_FRAME, type WordSpan } from '../../src/kitten/word-spans.js';

const TINY_DIR = path.resolve('.standin', 'tiny');
const golden = readFileSync(path.resolve('test/fixtures/frontend.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map(
    (l) =>
      JSON.parse(l) as { id: string; clean: Array<{ text: string }>; raw: Array<{ text: string }> },
  );
// Raw chunks (normalization off) that differ from a normalized one by more than case.
const chunks = [
  ...new Map(
    golden.flatMap((g) => [...g.clean, ...g.raw]).map((c) => [c.text.toLowerCase(), c.text]),
  ).values(),
];

// Marks the phonemizer cuts out (they separate words) and the ids that belong to no word.
const SEPARATORS = /[\s;:,.!?¡¿—…"«»“”(){}[\]]+/u;
const NON_WORD_IDS = new Set(SYMBOLS.slice(0, 17).map((_, i) => i));

let synth: KittenSynthesizer;
let phonemizer: Phonemizer;
beforeAll(async () => {
  synth = await KittenSynthesizer.load(await readModelDir('kitten-tts-nano', TINY_DIR), 1);
  phonemizer = await createPhonemizer();
});
afterAll(() => synth?.release());

interface Checked {
  words: readonly WordSpan[];
  samples: number;
  /** Where each token ends in the audio before the trim (samples). */
  tokenEnds: number[];
}

/** Synthesizes one chunk and checks its spans against the durations; returns them. */
async function checkChunk(text: string, speed: number): Promise<Checked> {
  const out = await synth.synthesizeChunk(text, 'Jasper', speed, phonemizer);
  const { inputIds } = await frontendChunk(text, phonemizer);
  const durations = [...out.durations!].map(Number);
  const words = out.chunks[0]!.words;
  const length = out.samples.length;
  const frames = durations.reduce((s, d) => s + d, 0);
  expect(length).toBe(Math.max(0, frames * SAMPLES_PER_FRAME - TRIM_TAIL_SAMPLES));

  // Every word of the text gets a span, in order.
  expect(words.map((w) => w.text)).toEqual(text.split(SEPARATORS).filter((w) => w !== ''));

  // Each token's samples in the trimmed audio, and whether it is part of a word (not a pad,
  // punctuation or a space).
  const tokens: Array<{ a: number; b: number; word: boolean }> = [];
  let at = 0;
  for (const [t, d] of durations.entries()) {
    const [a, b] = [at * SAMPLES_PER_FRAME, (at + d) * SAMPLES_PER_FRAME];
    tokens.push({ a: Math.min(a, length), b: Math.min(b, length), word: !NON_WORD_IDS.has(inputIds[t]!) }); // prettier-ignore
    at += d;
  }
  const boundaries = new Set([0, ...tokens.map((t) => t.b)]);
  let previous: WordSpan | undefined;
  for (const w of words) {
    expect(boundaries.has(w.startSample) && boundaries.has(w.endSample)).toBe(true);
    expect(w.startSample).toBeLessThanOrEqual(w.endSample);
    expect(w.endSample).toBeLessThanOrEqual(length);
    const sameGroup = previous?.sharedWith !== undefined && previous.sharedWith === w.sharedWith;
    if (sameGroup)
      expect([w.startSample, w.endSample]).toEqual([previous!.startSample, previous!.endSample]); // prettier-ignore
    else expect(w.startSample, text).toBeGreaterThanOrEqual(previous?.endSample ?? tokens[0]!.b);
    // Tight: a span starts and ends with a word's token, never with a space or a mark.
    const inside = tokens.filter((t) => t.a >= w.startSample && t.b <= w.endSample && t.b > t.a);
    if (inside.length > 0) expect(inside[0]!.word && inside.at(-1)!.word, text).toBe(true);
    previous = w;
  }
  // Complete: every sample of a word's token (before the trim) is inside some word's span.
  for (const t of tokens.filter((t) => t.word && t.b > t.a))
    expect(
      words.some((w) => w.startSample <= t.a && t.b <= w.endSample),
      text,
    ).toBe(true);
  let end = 0;
  const tokenEnds = durations.map((d) => (end += d * SAMPLES_PER_FRAME));
  return { words, samples: length, tokenEnds };
}

describe('word spans over the golden corpus', () => {
  it('gives every word of every chunk a span consistent with the durations, to the sample', async () => {
    let own = 0;
    let all = 0;
    for (const text of chunks) {
      const { words } = await checkChunk(text, 1);
      all += words.length;
      own += words.filter((w) => w.sharedWith === undefined).length;
    }
    expect(chunks.length).toBeGreaterThan(golden.length);
    // The goal: at least 99 % of words get a span of their own (the rest say they share one).
    expect(own / all).toBeGreaterThanOrEqual(0.99);
  }, 120_000);

  it('scales the times with the speed as the audio scales, each word ending at the same token at every speed', async () => {
    let compared = 0;
    for (const text of chunks.slice(0, 20)) {
      const [slow, normal, fast] = await Promise.all([0.5, 1, 2].map((v) => checkChunk(text, v)));
      expect(slow!.samples).toBeGreaterThan(normal!.samples);
      expect(normal!.samples).toBeGreaterThan(fast!.samples);
      // Each word's share of the chunk is its tokens' share of the frames at that speed: it ends
      // at the same token whatever the speed (the stand-in rounds each token's frames, 3.5 → 3 or
      // 4 at 1×, 1.75 → 2 at 2×, so shares in samples drift by those roundings and no more).
      const endToken = (c: Checked, i: number) => c.tokenEnds.indexOf(c.words[i]!.endSample);
      for (const [i, w] of normal!.words.entries()) {
        const trimmed = [slow!, normal!, fast!].some((c) => c.words[i]!.endSample === c.samples);
        if (w.endSample === 0 || trimmed) continue;
        expect([endToken(slow!, i), endToken(fast!, i)]).toEqual([0, 0].fill(endToken(normal!, i)));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(50);
  }, 120_000);

  it('sends the audio without words when the alignment throws', async () => {
    let calls = 0;
    const failing: Phonemizer = {
      backend: phonemizer.backend,
      version: phonemizer.version,
      // The front-end's call succeeds; the alignment's calls fail.
      phonemize: (t) =>
        calls++ === 0 ? phonemizer.phonemize(t) : Promise.reject(new Error('espeak went away')),
    };
    const text = 'Hello there, my friend.';
    const out = await synth.synthesizeChunk(text, 'Jasper', 1, failing);
    const normal = await synth.synthesizeChunk(text, 'Jasper', 1, phonemizer);
    expect(out.chunks[0]!.words).toEqual([]);
    expect(out.wordsError).toBe('espeak went away');
    expect(out.samples.length).toBe(normal.samples.length);
    expect(normal.chunks[0]!.words).toHaveLength(4);
  });
});
