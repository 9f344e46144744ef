// Question 14: word timings. (a) Their cost, as a share of the worker's time per chunk: the
// synthesizer on the nano stand-in, in process and on one intra-op thread as in a worker, over an
// even sample of the golden corpus's chunks, timing the mapping of durations to words apart from
// the front-end and inference of the same call (the phonemizer cold at first: a word phonemized
// alone for a merge pays espeak once). (b) How many words get a span of their own, and how many
// are found in the client's text (`chars`), over every chunk of the corpus (this needs no model).
// (c) The worst case the corpus lacks: long run-on chunks (up to the 400-character chunk limit,
// no punctuation to cut them into pieces, heavy in function words espeak runs together), where
// espeak's word count differs from the text's and the least-cost pairing runs on the whole chunk.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { timedWords } from '../src/engine/word-timings.js';
import { createPhonemizer } from '../src/kitten/frontend/phonemize.js';
import { planChunks } from '../src/kitten/frontend/frontend.js';
import { readModelDir } from '../src/kitten/hub/model-store.js';
import { KittenSynthesizer } from '../src/kitten/synthesizer.js';
import { alignChunkWords } from '../src/kitten/word-spans.js';
import { table, writeResult } from './lib/results.js';
import { ensureNano, MODEL_ID, VOICE } from './lib/standin-model.js';
import { round } from './lib/stats.js';

const SAMPLED_CHUNKS = 60;
/** Each long chunk is synthesized this many times; its worst share is reported. */
const LONG_RUNS = 3;
const LONG_CHUNKS = [
  'and then the man who had been walking along the road for most of the day without any food or water decided that he would stop at the little house on the hill and ask the people there if they could spare a glass of water and perhaps a piece of bread because he was so tired that he could hardly put one foot in front of the other as the sun went down.',
  'it is not that I do not want to go to the sea with you but that I have to be at the office at nine and I do not think that I can get there in time if we go to the sea for the day and come back on the last train of the night so I will have to stay here and you will have to go to the sea on your own or with one of the others if they can.',
  'so what I want you to do is to go to the shop on the corner of the street and get me a loaf of bread and a pint of milk and if they have any of the cheese that we had the other day then get some of that as well but do not get any of the other one because I do not like it and neither does your father or any of the rest of us in the house at all.',
];
const loadAtStart = os.loadavg()[0]!;
const golden = readFileSync(path.resolve('test/fixtures/frontend.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as { text: string; clean: Array<{ text: string }>; raw: Array<{ text: string }> }); // prettier-ignore

// (b) Shares over the whole corpus, normalized and raw.
const phonemizer = await createPhonemizer();
const share = { own: 0, words: 0, located: 0, chunks: 0 };
const locatedByMode: Record<string, { located: number; words: number }> = {};
for (const mode of ['clean', 'raw'] as const) {
  const tally = (locatedByMode[mode] = { located: 0, words: 0 });
  for (const g of golden) {
    const chunks = planChunks(g.text, { normalize: mode === 'clean' });
    const perChunk = [];
    for (const chunk of chunks) {
      const phonemes = await phonemizer.phonemize(chunk);
      const aligned = await alignChunkWords(chunk, phonemes, (t) => phonemizer.phonemize(t));
      share.chunks++;
      share.words += aligned.length;
      share.own += aligned.filter((w) => w.sharedWith === undefined).length;
      perChunk.push({
        samples: 0,
        words: aligned.map((w) => ({ ...w, startSample: 0, endSample: 0 })),
      });
    }
    const words = timedWords(perChunk, g.text);
    tally.words += words.length;
    tally.located += words.filter((w) => w.chars !== undefined).length;
  }
}

// (a) Cost per chunk on the nano stand-in.
const synth = await KittenSynthesizer.load(await readModelDir(MODEL_ID, await ensureNano()), 1);
const cold = await createPhonemizer({ cacheEntries: 0 });
const all = golden.flatMap((g) => g.clean.map((c) => c.text));
const sample = Array.from({ length: SAMPLED_CHUNKS }, (_, i) => all[Math.floor((i * all.length) / SAMPLED_CHUNKS)]!); // prettier-ignore
const cost = { wordsMs: 0, workerMs: 0, worstShare: 0, worstText: '' };
const costCold = { wordsMs: 0, workerMs: 0 };
const long: Array<{ chars: number; wordsMs: number; workerMs: number; share: number }> = [];
try {
  await synth.synthesizeChunk('Warm up.', VOICE, 1, phonemizer);
  for (const text of sample) {
    for (const [ph, into] of [
      [cold, costCold],
      [phonemizer, cost],
    ] as const) {
      const out = await synth.synthesizeChunk(text, VOICE, 1, ph);
      const workerMs = out.frontendMs + out.inferenceMs + out.wordsMs;
      into.wordsMs += out.wordsMs;
      into.workerMs += workerMs;
      if (into === cost && out.wordsMs / workerMs > cost.worstShare) {
        cost.worstShare = out.wordsMs / workerMs;
        cost.worstText = text.slice(0, 60);
      }
    }
  }
  // (c) Long run-on chunks, cache warm, worst of LONG_RUNS runs each.
  for (const text of LONG_CHUNKS) {
    const row = { chars: text.length, wordsMs: 0, workerMs: 0, share: 0 };
    for (let run = 0; run < LONG_RUNS; run++) {
      const out = await synth.synthesizeChunk(text, VOICE, 1, phonemizer);
      const workerMs = out.frontendMs + out.inferenceMs + out.wordsMs;
      if (out.wordsMs / workerMs >= row.share)
        Object.assign(row, { wordsMs: out.wordsMs, workerMs, share: out.wordsMs / workerMs });
    }
    long.push(row);
  }
} finally {
  await synth.release();
}

const pct = (x: number, digits = 2) => `${round(x * 100, digits)} %`;
const ownShare = share.own / share.words;
const costShare = cost.wordsMs / cost.workerMs;
const coldShare = costCold.wordsMs / costCold.workerMs;
const longWorst = Math.max(...long.map((r) => r.share));
const loadAtEnd = os.loadavg()[0]!;
writeResult({
  name: 'word-timings',
  question: '14. Word timings: cost in the worker, and words with a span of their own',
  params: {
    sampledChunks: SAMPLED_CHUNKS,
    corpusChunks: share.chunks,
    phonemizer: `${phonemizer.backend} ${phonemizer.version}`,
    longChunks: LONG_CHUNKS.length,
    longRuns: LONG_RUNS,
    loadAverage: { start: round(loadAtStart, 2), end: round(loadAtEnd, 2) },
  },
  results: { share, locatedByMode, cost, costCold, long },
  targets: [
    {
      name: 'word timings cost (share of worker time per chunk, nano stand-in)',
      goal: '< 1 %',
      measured: `${pct(costShare, 3)} (phonemizer cache off: ${pct(coldShare, 3)})`,
      met: costShare < 0.01 && coldShare < 0.01,
    },
    {
      name: 'word timings cost on long run-on chunks (worst share of worker time, nano stand-in)',
      goal: '< 1 %',
      measured: pct(longWorst, 3),
      met: longWorst < 0.01,
    },
    {
      name: 'words with a span of their own (golden corpus)',
      goal: '≥ 99 %',
      measured: pct(ownShare),
      met: ownShare >= 0.99,
    },
  ],
  notes: [
    `load average ${round(loadAtStart, 2)} at the start, ${round(loadAtEnd, 2)} at the end; the machine was shared with other work`,
    `phonemizer ${phonemizer.backend} (espeak-ng ${phonemizer.version}); a shared span is two to four words espeak said as one where the phonemes cannot show the cut (\`of a\`, \`for a\`)`,
  ],
  markdown: table(
    ['measure', 'value'],
    [
      ['chunks of the corpus (normalized and raw)', share.chunks],
      ['words', share.words],
      ['words with a span of their own', `${share.own} (${pct(ownShare)})`],
      ['words sharing a span, marked `shared`', share.words - share.own],
      ...Object.entries(locatedByMode).map(([mode, t]) => [
        `words found in the client's text (\`chars\`), ${mode === 'clean' ? 'normalization on' : 'normalization off'}`,
        pct(t.located / t.words),
      ]),
      [`chunks timed on the nano stand-in`, SAMPLED_CHUNKS],
      ['word timings / worker time, phonemizer cache warm', pct(costShare, 3)],
      ['word timings / worker time, phonemizer cache off', pct(coldShare, 3)],
      ['worst chunk (cache warm)', `${pct(cost.worstShare, 3)} (“${cost.worstText}…”)`],
      ['word timings ms per chunk (mean, cache warm)', round(cost.wordsMs / SAMPLED_CHUNKS, 3)],
      ['worker ms per chunk (mean)', round(cost.workerMs / SAMPLED_CHUNKS, 1)],
      ...long.map((r, i) => [
        `long run-on chunk ${i + 1} (${r.chars} chars, worst of ${LONG_RUNS}): word timings ms / worker ms`,
        `${round(r.wordsMs, 2)} / ${round(r.workerMs, 0)} (${pct(r.share, 3)})`,
      ]),
    ],
  ),
});
