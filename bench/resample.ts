// Question 16: what resampling costs, beside what synthesizing the same audio costs. The nano
// stand-in synthesizes chunks in process on one intra-op thread (as a worker does); right after
// each chunk, its audio is resampled from 24 kHz to every other output rate the way a streaming
// door does it (one resampler per stream, carried across chunks, fed 6000-sample slices), and μ-law
// is encoded at 8 kHz. Side by side in one loop, so load on the machine falls on both alike.
// Reported: ms of main thread per audio second, as a share of the worker's synthesis time for the
// same audio, and the worst single write (a stall of the event loop).
import os from 'node:os';
import {
  createResampler,
  createStreamEncoder,
  OUTPUT_SAMPLE_RATES_HZ,
  RESAMPLER_QUALITY,
  type Resampler,
} from '../src/audio/stream-encoder.js';
import { createPhonemizer } from '../src/kitten/frontend/phonemize.js';
import { readModelDir } from '../src/kitten/hub/model-store.js';
import { KittenSynthesizer } from '../src/kitten/synthesizer.js';
import { ENCODE_SLICE_SAMPLES } from '../src/http/chunk-audio.js';
import { table, writeResult } from './lib/results.js';
import { LLM_REPLY, SENTENCES } from './lib/sentences.js';
import { ensureNano, MODEL_ID, VOICE } from './lib/standin-model.js';
import { median, round } from './lib/stats.js';

const MODEL_RATE_HZ = 24_000;
const ROUNDS = 3;
const TARGET_SHARE = 0.02;
const loadAtStart = os.loadavg().map((v) => round(v, 2));
const texts = [...Object.values(SENTENCES), ...LLM_REPLY.split(/(?<=\.) /)];
const rates = OUTPUT_SAMPLE_RATES_HZ.filter((r) => r !== MODEL_RATE_HZ);

const synth = await KittenSynthesizer.load(await readModelDir(MODEL_ID, await ensureNano()), 1);
const phonemizer = await createPhonemizer();
await synth.synthesizeChunk('Warm up.', VOICE, 1, phonemizer);

interface Lane {
  name: string;
  /** Per round: ms spent, and the worst single write. */
  ms: number[];
  worstWriteMs: number;
}
const lanes: Lane[] = [
  ...rates.map((r) => ({ name: `resample → ${r} Hz`, ms: [], worstWriteMs: 0 })),
  { name: 'resample + μ-law → 8000 Hz', ms: [], worstWriteMs: 0 },
];
const synthMs: number[] = [];
let audioS = 0;

/** Feeds `samples` the way a door does, a slice at a time; returns ms and the worst slice. */
function timed(write: (s: Float32Array) => unknown, samples: Float32Array): [number, number] {
  let total = 0;
  let worst = 0;
  for (let at = 0; at < samples.length; at += ENCODE_SLICE_SAMPLES) {
    const t0 = performance.now();
    write(samples.subarray(at, at + ENCODE_SLICE_SAMPLES));
    const ms = performance.now() - t0;
    total += ms;
    worst = Math.max(worst, ms);
  }
  return [total, worst];
}

for (let round_ = 0; round_ <= ROUNDS; round_++) {
  const resamplers: Resampler[] = rates.map((r) => createResampler(MODEL_RATE_HZ, r));
  const mulaw = createStreamEncoder('mulaw', {
    sampleRateHz: MODEL_RATE_HZ,
    outputSampleRateHz: 8000,
  });
  const spent = new Array<number>(lanes.length).fill(0);
  let roundSynthMs = 0;
  let roundAudioS = 0;
  for (const text of texts) {
    const out = await synth.synthesizeChunk(text, VOICE, 1, phonemizer);
    roundSynthMs += out.frontendMs + out.inferenceMs;
    roundAudioS += out.samples.length / MODEL_RATE_HZ;
    const writers: Array<(s: Float32Array) => unknown> = [
      ...resamplers.map((r) => (s: Float32Array) => r.process(s)),
      (s) => mulaw.write(s),
    ];
    writers.forEach((write, i) => {
      const [ms, worst] = timed(write, out.samples);
      spent[i]! += ms;
      if (round_ > 0) lanes[i]!.worstWriteMs = Math.max(lanes[i]!.worstWriteMs, worst);
    });
  }
  resamplers.forEach((r, i) => (spent[i]! += timed(() => r.flush(), new Float32Array(1))[0]));
  mulaw.end();
  if (round_ === 0) continue; // warm-up: JIT and WebAssembly tiers
  synthMs.push(roundSynthMs);
  audioS = roundAudioS;
  lanes.forEach((lane, i) => lane.ms.push(spent[i]!));
}

const synthPerS = median(synthMs) / audioS;
const rows = lanes.map((lane) => {
  const perS = median(lane.ms) / audioS;
  return { lane: lane.name, msPerAudioS: perS, share: perS / synthPerS, worst: lane.worstWriteMs };
});
const worstShare = Math.max(...rows.map((r) => r.share));
const loadAtEnd = os.loadavg().map((v) => round(v, 2));
const pct = (x: number) => `${round(x * 100, 2)}%`;

writeResult({
  name: 'resample',
  question:
    '17. Resampling cost per audio second, beside synthesis of the same audio (bench/resample.ts)',
  params: {
    texts: texts.length,
    audioSeconds: round(audioS, 2),
    rounds: ROUNDS,
    quality: RESAMPLER_QUALITY,
    sliceSamples: ENCODE_SLICE_SAMPLES,
    loadAverageAtStart: loadAtStart,
    loadAverageAtEnd: loadAtEnd,
  },
  results: { synthesisMsPerAudioS: round(synthPerS, 2), lanes: rows },
  targets: [
    {
      name: 'resampling cost vs synthesis of the same audio (worst output rate)',
      goal: `≤ ${pct(TARGET_SHARE)}`,
      measured: pct(worstShare),
      met: worstShare <= TARGET_SHARE,
    },
  ],
  markdown: table(
    ['work', 'ms per audio second', 'share of synthesis', 'worst write (ms)'],
    [
      [
        'synthesis (nano stand-in, 1 thread, front-end + inference)',
        round(synthPerS, 1),
        '100%',
        '',
      ],
      ...rows.map((r) => [r.lane, round(r.msPerAudioS, 3), pct(r.share), round(r.worst, 2)]),
    ],
  ),
  notes: [
    `SpeexDSP quality ${RESAMPLER_QUALITY}, SIMD WebAssembly, on the main thread in the stream encoder; ${round(audioS, 1)} s of audio per round, median of ${ROUNDS} rounds; load average ${loadAtStart.join(' / ')} at the start, ${loadAtEnd.join(' / ')} at the end.`,
  ],
});
