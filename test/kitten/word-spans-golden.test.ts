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
  return { words, samples: length };
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

  it('scales the times with the speed as the audio scales, from the same durations', async () => {
    for (const text of chunks.slice(0, 20)) {
      const slow = await checkChunk(text, 0.5);
      const normal = await checkChunk(text, 1);
      const fast = await checkChunk(text, 2);
      expect(slow.samples).toBeGreaterThan(normal.samples);
      expect(normal.samples).toBeGreaterThan(fast.samples);
      for (const [i, w] of normal.words.entries()) {
        if (w.endSample === 0) continue;
        expect(slow.words[i]!.endSample).toBeGreaterThan(w.endSample);
        expect(fast.words[i]!.endSample).toBeLessThan(w.endSample);
      }
    }
  }, 120_000);
});
