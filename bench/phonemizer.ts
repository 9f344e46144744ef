// Does phonemization cost matter next to inference? Milliseconds per sentence (short, long; first
// call vs warm vs cached) for each espeak-ng backend, against a budget of 5% of the stand-in nano's
// inference cost (~0.15 s of compute per second of audio on one core).
// Run: npx tsx bench/phonemizer.ts   → prints JSON, writes bench/results/phonemizer.json
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createPhonemizer,
  ESPEAK_LIBRARY_CANDIDATES,
  type Phonemizer,
  type PhonemizerBackend,
} from '../src/kitten/frontend/phonemize.js';

const INFERENCE_S_PER_AUDIO_S = 0.15;
const BUDGET_SHARE = 0.05;
/** Speech rate used to turn text length into audio seconds (about 150 words per minute). */
const CHARS_PER_AUDIO_S = 14;

const SENTENCES = {
  short: 'The quick brown fox jumps over the lazy dog.',
  long:
    'When the committee finally met on Thursday afternoon, after three postponements and a flurry of ' +
    'increasingly testy emails, nobody could quite remember why the proposal had seemed so urgent, ' +
    'although everyone agreed, somewhat sheepishly, that the new coffee machine on the fourth floor ' +
    'was an improvement worth celebrating.',
};

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/** Engine load (first createPhonemizer in the process), then each sentence: first call, warm, cached. */
async function benchBackend(backend: Exclude<PhonemizerBackend, 'auto'>, runs: number) {
  let phonemizer: Phonemizer | undefined;
  const coldInitMs = await timeMs(async () => {
    phonemizer = await createPhonemizer({ backend, cacheEntries: 0 });
  });
  if (phonemizer === undefined) throw new Error(`no ${backend} phonemizer`);
  const ready: Phonemizer = phonemizer;
  const cached = await createPhonemizer({ backend });
  const sentences = [];
  // "short" runs first, so its firstMs is the engine's very first call (cold WASM code, espeak data).
  for (const [name, text] of Object.entries(SENTENCES)) {
    const firstMs = await timeMs(() => ready.phonemize(text));
    const warm: number[] = [];
    for (let i = 0; i < runs; i++) warm.push(await timeMs(() => ready.phonemize(text)));
    await cached.phonemize(text);
    const cachedMs = await timeMs(() => cached.phonemize(text));
    const audioS = text.length / CHARS_PER_AUDIO_S;
    const inferenceMs = audioS * INFERENCE_S_PER_AUDIO_S * 1000;
    const warmMedianMs = percentile(warm, 0.5);
    sentences.push({
      name,
      chars: text.length,
      estAudioS: round(audioS),
      budgetMs: round(inferenceMs * BUDGET_SHARE),
      firstMs: round(firstMs),
      warmMedianMs: round(warmMedianMs),
      warmP95Ms: round(percentile(warm, 0.95)),
      cachedMs: round(cachedMs),
      firstPctOfInference: round((100 * firstMs) / inferenceMs),
      warmPctOfInference: round((100 * warmMedianMs) / inferenceMs),
    });
  }
  return { backend, version: ready.version, coldInitMs: round(coldInitMs), runs, sentences };
}

async function main(): Promise<void> {
  const results = [];
  for (const backend of ['native', 'wasm'] as const) {
    if (backend === 'native' && !ESPEAK_LIBRARY_CANDIDATES.some((p) => existsSync(p))) {
      console.error('bench/phonemizer: libespeak-ng not found, native backend skipped');
      continue;
    }
    results.push(await benchBackend(backend, backend === 'native' ? 500 : 30));
  }
  const report = {
    question: 'phonemization ms per sentence vs 5% of stand-in nano inference',
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      node: process.version,
      platform: process.platform,
    },
    assumptions: {
      inferenceSPerAudioS: INFERENCE_S_PER_AUDIO_S,
      budgetShare: BUDGET_SHARE,
      charsPerAudioS: CHARS_PER_AUDIO_S,
    },
    results,
  };
  const json = JSON.stringify(report, null, 2);
  console.log(json);
  const dir = path.resolve('bench/results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'phonemizer.json'), `${json}\n`);
}

await main();
