// The resampler on a pure tone: frequency and level kept at every output rate, the filter delay
// compensated (sample j is the signal at j / rate), exact lengths, and streamed chunks of random
// sizes giving the very samples one whole conversion gives (no clicks where chunks join).
import { describe, expect, it } from 'vitest';
import {
  createResampler,
  OUTPUT_SAMPLE_RATES_HZ,
  resample,
} from '../../src/audio/stream-encoder.js';

const IN_RATE = 24_000;
const TONE_HZ = 1_000;
const AMPLITUDE = 0.5;
const LSB = 1 / 32768;

function tone(seconds: number, rateHz: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * rateHz));
  for (let i = 0; i < out.length; i++) {
    out[i] = AMPLITUDE * Math.sin((2 * Math.PI * TONE_HZ * i) / rateHz);
  }
  return out;
}

/** Magnitude spectrum of `x` (a plain DFT): bin k is k × rate / x.length Hz. */
function spectrum(x: Float32Array): Float64Array {
  const n = x.length;
  const mags = new Float64Array(n / 2);
  for (let k = 0; k < n / 2; k++) {
    let re = 0;
    let im = 0;
    for (let i = 0; i < n; i++) {
      const angle = (2 * Math.PI * k * i) / n;
      re += x[i]! * Math.cos(angle);
      im -= x[i]! * Math.sin(angle);
    }
    mags[k] = Math.hypot(re, im);
  }
  return mags;
}

function rms(x: Float32Array): number {
  return Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
}

/** A deterministic generator of chunk sizes from 1 to `max`. */
function chunkSizes(seed: number, max: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return 1 + (state % max);
  };
}

const RATES = OUTPUT_SAMPLE_RATES_HZ.filter((r) => r !== IN_RATE);

describe('resampler', () => {
  for (const outRate of RATES) {
    it(`keeps a 1 kHz tone's frequency and level at ${outRate} Hz`, () => {
      const out = resample(tone(1, IN_RATE), IN_RATE, outRate);
      expect(out.length).toBe(outRate);
      // 20 ms from the middle: bins 50 Hz apart, so 1 kHz is exactly bin 20 at every rate.
      const window = out.subarray(outRate / 2, outRate / 2 + outRate / 50);
      const mags = spectrum(window);
      const peak = mags.indexOf(Math.max(...mags));
      expect((peak * outRate) / window.length).toBe(TONE_HZ);
      const energy = mags.reduce((s, m) => s + m * m, 0);
      expect(mags[peak]! ** 2 / energy).toBeGreaterThan(0.9999); // no aliases, no images
      expect(rms(window)).toBeCloseTo(AMPLITUDE / Math.SQRT2, 3);
    });

    it(`compensates the filter delay at ${outRate} Hz (sample j is the tone at j / rate)`, () => {
      const out = resample(tone(0.5, IN_RATE), IN_RATE, outRate);
      const want = tone(0.5, outRate);
      let worst = 0;
      // Away from the ends, where the filter sees silence outside the clip.
      for (let j = 200; j < out.length - 200; j++)
        worst = Math.max(worst, Math.abs(out[j]! - want[j]!));
      expect(worst).toBeLessThan(0.01);
    });

    it(`gives streamed random-sized chunks the same samples as one whole pass at ${outRate} Hz`, () => {
      const input = tone(1.3, IN_RATE);
      const whole = resample(input, IN_RATE, outRate);
      const resampler = createResampler(IN_RATE, outRate);
      const next = chunkSizes(outRate, 3000);
      const parts: number[] = [];
      for (let offset = 0; offset < input.length;) {
        const end = Math.min(input.length, offset + next());
        parts.push(...resampler.process(input.subarray(offset, end)));
        offset = end;
      }
      parts.push(...resampler.flush());
      expect(parts.length).toBe(whole.length);
      let worst = 0;
      for (let i = 0; i < whole.length; i++)
        worst = Math.max(worst, Math.abs(parts[i]! - whole[i]!));
      expect(worst).toBeLessThanOrEqual(LSB);
    });
  }

  it('makes exactly ceil(input × out / in) samples, however short the input', () => {
    for (const n of [0, 1, 2, 3, 4, 7, 100, 24_001]) {
      for (const outRate of RATES) {
        const out = resample(new Float32Array(n).fill(0.1), IN_RATE, outRate);
        expect(out.length, `${n} samples to ${outRate} Hz`).toBe(
          Math.ceil((n * outRate) / IN_RATE),
        );
      }
    }
  });

  it('returns the input itself when the rates match', () => {
    const input = tone(0.1, IN_RATE);
    expect(resample(input, IN_RATE, IN_RATE)).toBe(input);
  });

  it('refuses work after flush and releases idempotently', () => {
    const resampler = createResampler(IN_RATE, 16_000);
    resampler.process(tone(0.1, IN_RATE));
    expect(resampler.flush().length).toBeGreaterThan(0);
    expect(resampler.flush()).toHaveLength(0);
    resampler.close();
    expect(() => resampler.process(new Float32Array(10))).toThrow(/already flushed or closed/);
  });

  it('rejects rates that are not whole numbers of hertz in range', () => {
    for (const bad of [0, -8000, 16_000.5, Number.NaN, 10_000_000]) {
      expect(() => createResampler(IN_RATE, bad)).toThrow(RangeError);
    }
  });

  it('keeps many open streams independent of one another', () => {
    // Streams share one WebAssembly heap and scratch buffer: interleaved writes must not mix.
    const a = createResampler(IN_RATE, 8_000);
    const b = createResampler(IN_RATE, 48_000);
    const input = tone(0.5, IN_RATE);
    const outA: number[] = [];
    const outB: number[] = [];
    for (let offset = 0; offset < input.length; offset += 1_000) {
      outA.push(...a.process(input.subarray(offset, offset + 1_000)));
      outB.push(...b.process(input.subarray(offset, offset + 1_000)));
    }
    outA.push(...a.flush());
    outB.push(...b.flush());
    expect(Float32Array.from(outA)).toEqual(resample(input, IN_RATE, 8_000));
    expect(Float32Array.from(outB)).toEqual(resample(input, IN_RATE, 48_000));
  });
});
