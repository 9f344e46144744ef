// Sample-rate conversion for the output formats: the SpeexDSP resampler (windowed-sinc, the one
// WebRTC, PulseAudio and Opus' tools use; BSD) compiled to WebAssembly by
// @echogarden/speex-resampler-wasm, its SIMD build. One module instance serves every stream: each
// resampler is a few KiB of filter state on the shared heap, created synchronously. (The
// libsamplerate port on npm was rejected: each converter instantiates its own WebAssembly module,
// ~8 ms and a 26 MB heap per stream, because its C glue keeps one global converter.)
//
// Delay: speex' filter needs `input latency` samples of look-ahead. skip_zeros() drops the leading
// silence that would add, so output sample j is the signal at time j / outputRateHz from the
// start; flush() feeds silence to push the last samples out, then trims to exactly
// ceil(inputSamples × outputRate / inputRate): a stream is as long as the audio, neither shorter
// nor longer. Chunked and whole conversion give the same samples (the filter state carries over).
import createSpeexModule from '@echogarden/speex-resampler-wasm/simd';

const speex = await createSpeexModule();

/**
 * Speex quality 0–10. 5 ("desktop"): an 80-tap Kaiser-windowed sinc, ~100 dB stop-band, pass-band
 * to 92% of Nyquist; measured 0.2–2 ms per audio second (bench/resample.ts). 10 costs 4–10× more.
 */
export const RESAMPLER_QUALITY = 5;
/** Input samples handed to speex per call: bounds the shared scratch buffers. */
const BLOCK_SAMPLES = 8192;

// One scratch area for every resampler: calls are synchronous, so they never interleave.
let scratch = { input: 0, output: 0, lengths: 0, outputCapacity: 0 };
function scratchFor(outputCapacity: number): typeof scratch {
  if (scratch.outputCapacity >= outputCapacity) return scratch;
  if (scratch.input) speex._free(scratch.input);
  const input = speex._malloc((BLOCK_SAMPLES + outputCapacity) * 4 + 8);
  if (!input) throw new Error('resampler: out of WebAssembly memory');
  const output = input + BLOCK_SAMPLES * 4;
  scratch = { input, output, lengths: output + outputCapacity * 4, outputCapacity };
  return scratch;
}

const orphans = new FinalizationRegistry<number>((state) => speex._speex_resampler_destroy(state));

export interface Resampler {
  readonly inputRateHz: number;
  readonly outputRateHz: number;
  /** The converted samples that are ready (they lag the input by the filter's half-length). */
  process(samples: Float32Array): Float32Array;
  /** The rest of the stream, trimmed to its exact length; releases the resampler. */
  flush(): Float32Array;
  /** Releases the filter state without finishing (idempotent). */
  close(): void;
}

function checkRate(rateHz: number, what: string): void {
  if (!Number.isInteger(rateHz) || rateHz < 1000 || rateHz > 384_000) {
    throw new RangeError(`${what} sample rate must be an integer from 1000 to 384000 Hz`);
  }
}

/** Runs `samples` through speex state `st`; returns every output sample it gave back. */
function speexConvert(st: number, samples: Float32Array, blockOutput: number): Float32Array {
  const blocks = Math.ceil(samples.length / BLOCK_SAMPLES);
  const out = new Float32Array(Math.max(1, blocks) * blockOutput);
  let written = 0;
  for (let offset = 0; offset < samples.length;) {
    const n = Math.min(BLOCK_SAMPLES, samples.length - offset);
    const s = scratchFor(blockOutput);
    speex.HEAPF32.set(samples.subarray(offset, offset + n), s.input >> 2);
    speex.HEAPU32[s.lengths >> 2] = n;
    speex.HEAPU32[(s.lengths >> 2) + 1] = blockOutput;
    const status = speex._speex_resampler_process_float(
      st,
      0,
      s.input,
      s.lengths,
      s.output,
      s.lengths + 4,
    );
    const used = speex.HEAPU32[s.lengths >> 2]!;
    const made = speex.HEAPU32[(s.lengths >> 2) + 1]!;
    if (status !== 0 || used === 0) throw new Error(`speex resampler failed (error ${status})`);
    out.set(speex.HEAPF32.subarray(s.output >> 2, (s.output >> 2) + made), written);
    written += made;
    offset += used;
  }
  return out.subarray(0, written);
}

export function createResampler(inputRateHz: number, outputRateHz: number): Resampler {
  checkRate(inputRateHz, 'input');
  checkRate(outputRateHz, 'output');
  const err = speex._malloc(4);
  const created = speex._speex_resampler_init(1, inputRateHz, outputRateHz, RESAMPLER_QUALITY, err);
  const code = speex.HEAPU32[err >> 2]!;
  speex._free(err);
  if (!created || code !== 0) throw new Error(`speex resampler init failed (error ${code})`);
  let state: number | undefined = created;
  speex._speex_resampler_skip_zeros(created);
  const inputLatency = speex._speex_resampler_get_input_latency(created);
  const blockOutput = Math.ceil((BLOCK_SAMPLES * outputRateHz) / inputRateHz) + 64;
  let inputSamples = 0;
  let outputSamples = 0;

  const convert = (st: number, samples: Float32Array) => speexConvert(st, samples, blockOutput);
  /** Exactly as many samples as the input so far spans at the output rate. */
  const targetSamples = (): number => Math.ceil((inputSamples * outputRateHz) / inputRateHz);
  const take = (converted: Float32Array): Float32Array => {
    const keep = Math.max(0, Math.min(converted.length, targetSamples() - outputSamples));
    outputSamples += keep;
    return converted.subarray(0, keep);
  };
  const release = (): void => {
    if (state === undefined) return;
    orphans.unregister(resampler);
    speex._speex_resampler_destroy(state);
    state = undefined;
  };

  const resampler: Resampler = {
    inputRateHz,
    outputRateHz,
    process(samples) {
      if (state === undefined) throw new Error('resampler already flushed or closed');
      inputSamples += samples.length;
      return take(convert(state, samples));
    },
    flush() {
      if (state === undefined) return new Float32Array(0);
      const parts: Float32Array[] = [];
      const silence = new Float32Array(inputLatency + 1);
      // Each round yields about the filter's half-length; a few rounds at most, bounded anyway.
      for (let round = 0; outputSamples < targetSamples() && round < 16; round++) {
        parts.push(take(convert(state, silence)));
      }
      release();
      return concatFloat32(parts);
    },
    close: release,
  };
  orphans.register(resampler, created, resampler);
  return resampler;
}

/** One-shot conversion of a whole clip. */
export function resample(
  samples: Float32Array,
  inputRateHz: number,
  outputRateHz: number,
): Float32Array {
  if (inputRateHz === outputRateHz) return samples;
  const resampler = createResampler(inputRateHz, outputRateHz);
  return concatFloat32([resampler.process(samples), resampler.flush()]);
}

export function concatFloat32(parts: readonly Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
