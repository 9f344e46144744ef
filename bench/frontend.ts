// Question 2: front-end cost. Normalization and phonemization per sentence, timed apart and as the
// workers run them (runFrontend), with the phonemizer cache cold (cacheEntries 0) and warm, as a
// share of the raw inference time of the same sentence (one intra-op thread).
import { runFrontend } from '../src/kitten/frontend/frontend.js';
import { normalizeText } from '../src/kitten/frontend/normalize.js';
import { createPhonemizer } from '../src/kitten/frontend/phonemize.js';
import { loadRawModel } from './lib/raw-model.js';
import { table, writeResult } from './lib/results.js';
import { SENTENCE_NAMES, SENTENCES } from './lib/sentences.js';
import { ensureNano } from './lib/standin-model.js';
import { median, round } from './lib/stats.js';

const CHEAP_REPEATS = 30;
const INFERENCE_REPEATS = 3;

async function timeMs(fn: () => unknown | Promise<unknown>, repeats: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

const raw = await loadRawModel(await ensureNano(), 1);
const cold = await createPhonemizer({ cacheEntries: 0 });
const warm = await createPhonemizer();
const rows = [];
const results: Record<string, unknown> = {};
let worstShare = 0;
try {
  for (const n of SENTENCE_NAMES) {
    const text = SENTENCES[n];
    const normalizeMs = await timeMs(() => normalizeText(text), CHEAP_REPEATS);
    const phonemizeColdMs = await timeMs(() => cold.phonemize(text), CHEAP_REPEATS);
    const frontendColdMs = await timeMs(() => runFrontend(text, cold), CHEAP_REPEATS);
    await runFrontend(text, warm);
    const frontendWarmMs = await timeMs(() => runFrontend(text, warm), CHEAP_REPEATS);
    const inputs = await raw.prepare(text);
    await raw.infer(inputs);
    const inferenceTimes: number[] = [];
    for (let i = 0; i < INFERENCE_REPEATS; i++) inferenceTimes.push((await raw.infer(inputs)).ms);
    const inferenceMs = median(inferenceTimes);
    const shareCold = frontendColdMs / inferenceMs;
    worstShare = Math.max(worstShare, shareCold);
    results[n] = {
      normalizeMs,
      phonemizeColdMs,
      frontendColdMs,
      frontendWarmMs,
      inferenceMs,
      shareCold,
      shareWarm: frontendWarmMs / inferenceMs,
    };
    rows.push([
      n,
      round(normalizeMs, 3),
      round(phonemizeColdMs, 3),
      round(frontendColdMs, 3),
      round(frontendWarmMs, 3),
      round(inferenceMs, 1),
      `${round(shareCold * 100, 2)} %`,
      `${round((frontendWarmMs / inferenceMs) * 100, 3)} %`,
    ]);
  }
} finally {
  await raw.release();
}
writeResult({
  name: 'frontend',
  question: '2. Front-end cost (normalization + phonemization) as a share of inference',
  params: {
    phonemizerBackend: warm.backend,
    espeak: warm.version,
    repeats: CHEAP_REPEATS,
    inferenceRepeats: INFERENCE_REPEATS,
  },
  results,
  targets: [],
  notes: [
    `phonemizer backend: ${warm.backend} (espeak-ng ${warm.version}); cold = no phonemizer cache, warm = LRU hit`,
  ],
  markdown: table(
    [
      'sentence',
      'normalize ms',
      'phonemize ms (cold)',
      'front-end ms (cold)',
      'front-end ms (warm)',
      'inference ms',
      'share (cold)',
      'share (warm)',
    ],
    rows,
  ),
});
console.log(`worst cold share ${round(worstShare * 100, 2)} %`);
