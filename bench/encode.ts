// Encoding cost per format: 30 s of speech-like 24 kHz audio, fed in sentence-sized pieces the way
// a door streams it. Reports × real time (audio seconds per encoding second), the worst single
// write (the main-thread stall per sentence) and the bitrate that came out.
// Run: npx tsx bench/encode.ts   → prints JSON and a Markdown table, writes bench/results/encode.json
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AudioFormat } from '../src/audio/stream-encoder.js';
import { AUDIO_FORMATS, createStreamEncoder, encodeAudio } from '../src/audio/stream-encoder.js';

const RATE = 24_000;
const SECONDS = 30;
const RUNS = 3;

/** Harmonic voice-like tone with a gliding pitch, syllable envelope, pauses and a little noise. */
function speechLike(seconds: number): Float32Array {
  const out = new Float32Array(seconds * RATE);
  let state = 42;
  let phase = 0;
  for (let i = 0; i < out.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    const t = i / RATE;
    phase += (2 * Math.PI * (120 + 40 * Math.sin(2 * Math.PI * 0.5 * t))) / RATE;
    let v = 0;
    for (let h = 1; h <= 16; h++) v += Math.sin(h * phase) / h;
    const syllable = Math.max(0, Math.sin(2 * Math.PI * 4 * t));
    const pause = t % 3 < 2.6 ? 1 : 0; // a breath between "sentences"
    out[i] = pause * (0.3 * syllable * v + 0.02 * (state / 2 ** 32 - 0.5));
  }
  return out;
}

/** Sentence-sized pieces of 1.5–4 s, like the chunks KittenTTS synthesizes. */
function sentences(audio: Float32Array): Float32Array[] {
  const pieces: Float32Array[] = [];
  const lengths = [2.5, 1.5, 4, 3, 2, 3.5];
  for (let offset = 0, i = 0; offset < audio.length; i++) {
    const end = Math.min(audio.length, offset + Math.round(lengths[i % lengths.length]! * RATE));
    pieces.push(audio.subarray(offset, end));
    offset = end;
  }
  return pieces;
}

interface FormatResult {
  format: AudioFormat;
  streamXRealtime: number;
  oneShotXRealtime: number;
  maxWriteMs: number;
  msPerAudioSecond: number;
  outputKbps: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function benchFormat(
  format: AudioFormat,
  audio: Float32Array,
  pieces: Float32Array[],
): FormatResult {
  const streamMs: number[] = [];
  const oneShotMs: number[] = [];
  let maxWriteMs = 0;
  let bytes = 0;
  for (let run = 0; run <= RUNS; run++) {
    const started = performance.now();
    const encoder = createStreamEncoder(format, { sampleRateHz: RATE });
    let total = 0;
    for (const piece of pieces) {
      const t0 = performance.now();
      total += encoder.write(piece).length;
      if (run > 0) maxWriteMs = Math.max(maxWriteMs, performance.now() - t0);
    }
    total += encoder.end().length;
    const elapsed = performance.now() - started;
    const t1 = performance.now();
    encodeAudio(format, audio, RATE);
    const oneShot = performance.now() - t1;
    if (run === 0) continue; // warm-up: JIT and WebAssembly tiers
    streamMs.push(elapsed);
    oneShotMs.push(oneShot);
    bytes = total;
  }
  const round = (x: number, digits = 1): number => Number(x.toFixed(digits));
  return {
    format,
    streamXRealtime: round((SECONDS * 1000) / median(streamMs), 0),
    oneShotXRealtime: round((SECONDS * 1000) / median(oneShotMs), 0),
    maxWriteMs: round(maxWriteMs),
    msPerAudioSecond: round(median(streamMs) / SECONDS, 2),
    outputKbps: round((bytes * 8) / SECONDS / 1000),
  };
}

const audio = speechLike(SECONDS);
const pieces = sentences(audio);
const results = AUDIO_FORMATS.map((format) => benchFormat(format, audio, pieces));
const report = {
  bench: 'encode',
  audio: { seconds: SECONDS, sampleRateHz: RATE, pieces: pieces.length, runs: RUNS },
  machine: {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    node: process.version,
  },
  results,
};

console.log(JSON.stringify(report, null, 2));
console.log(
  '\n| format | × real time (stream) | × real time (one-shot) | ms per audio second | worst write (ms) | output kbps |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const r of results) {
  console.log(
    `| ${r.format} | ${r.streamXRealtime} | ${r.oneShotXRealtime} | ${r.msPerAudioSecond} | ${r.maxWriteMs} | ${r.outputKbps} |`,
  );
}
const outDir = path.join(import.meta.dirname, 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, 'encode.json'), JSON.stringify(report, null, 2) + '\n');
