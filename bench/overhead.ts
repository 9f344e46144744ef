// Question 1: overhead vs the physical limit. Raw in-process onnxruntime-node inference (front-end
// excluded, one thread) against POST /api/generate end to end (one worker, one thread) for the same
// sentences, interleaved run by run so machine noise hits both sides alike. Ratio of medians.
import { generateOnce, settle } from './lib/load.js';
import { loadRawModel } from './lib/raw-model.js';
import { table, writeResult } from './lib/results.js';
import { SENTENCE_NAMES, SENTENCES, type SentenceName } from './lib/sentences.js';
import { startServerProcess } from './lib/server-process.js';
import { ensureNano, gatewayEnv, MODEL_ID, VOICE } from './lib/standin-model.js';
import { median, round } from './lib/stats.js';

const REPEATS: Record<SentenceName, number> = { short: 5, medium: 9, long: 3 };

const dir = await ensureNano();
const raw = await loadRawModel(dir, 1);
const server = await startServerProcess({
  kind: 'gateway',
  env: gatewayEnv({ workers: 1, threadsPerWorker: 1 }),
});
try {
  const inputs = Object.fromEntries(
    await Promise.all(
      SENTENCE_NAMES.map(async (n) => [n, await raw.prepare(SENTENCES[n])] as const),
    ),
  ) as Record<SentenceName, Awaited<ReturnType<typeof raw.prepare>>>;
  const body = (n: SentenceName) => ({
    text: SENTENCES[n],
    model: MODEL_ID,
    voice: VOICE,
    speed: 1,
  });
  // Warm both sides: model load, first-run allocations, phonemizer cache.
  for (const n of SENTENCE_NAMES) {
    await raw.infer(inputs[n]);
    await settle();
    await generateOnce(server.url, body(n));
  }
  const rows = [];
  const results: Record<string, unknown> = {};
  for (const n of SENTENCE_NAMES) {
    const rawMs: number[] = [];
    const e2eMs: number[] = [];
    let audioS = 0;
    for (let i = 0; i < REPEATS[n]; i++) {
      rawMs.push((await raw.infer(inputs[n])).ms);
      await settle();
      const r = await generateOnce(server.url, body(n));
      if (!r.ok) throw new Error(`/api/generate failed for ${n}`);
      e2eMs.push(r.ms);
      audioS = r.durationS;
    }
    const ratio = median(e2eMs) / median(rawMs);
    results[n] = {
      chars: SENTENCES[n].length,
      tokens: inputs[n][0]!.inputIds.length,
      audioS,
      rawMs,
      e2eMs,
      ratio,
    };
    rows.push([
      n,
      SENTENCES[n].length,
      round(audioS, 2),
      round(median(rawMs), 1),
      round(median(e2eMs), 1),
      round(median(e2eMs) - median(rawMs), 1),
      `${round(ratio, 3)}×`,
    ]);
  }
  const medium = results.medium as { ratio: number };
  writeResult({
    name: 'overhead',
    question: '1. Overhead vs the physical limit (raw inference vs POST /api/generate)',
    params: {
      repeats: REPEATS,
      workers: 1,
      threadsPerWorker: 1,
      rawIntraOpThreads: 1,
      voice: VOICE,
    },
    results,
    targets: [
      {
        name: '/api/generate p50 vs raw inference, medium sentence',
        goal: '≤ 1.03×',
        measured: `${round(medium.ratio, 3)}×`,
        met: medium.ratio <= 1.03,
      },
    ],
    markdown: table(
      [
        'sentence',
        'chars',
        'audio s',
        'raw p50 ms',
        '/api/generate p50 ms',
        'overhead ms',
        'ratio',
      ],
      rows,
    ),
  });
} finally {
  await server.close();
  await raw.release();
}
