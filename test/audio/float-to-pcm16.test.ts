import { describe, expect, it } from 'vitest';
import {
  floatToPcm16,
  floatToPcm16Into,
  Pcm16Scratch,
  pcm16Bytes,
} from '../../src/audio/float-to-pcm16.js';

describe('floatToPcm16', () => {
  it('scales by 32767 and rounds to the nearest integer', () => {
    const out = floatToPcm16(
      Float32Array.from([0, 1, -1, 0.5, -0.5, 1 / 32767, 0.4 / 32767, 0.6 / 32767, -0.6 / 32767]),
    );
    expect(Array.from(out)).toEqual([0, 32767, -32767, 16384, -16383, 1, 0, 1, -1]);
  });

  it('rounds exactly as Math.round does next to every half step of the scale', () => {
    // Each k + 0.5 step as float32, and the float32 values one ulp either side of it.
    const steps = Float32Array.from({ length: 65534 }, (_, i) => (i - 32767 + 0.5) / 32767);
    const bits = new Uint32Array(steps.buffer);
    const near = new Float32Array(steps.length * 3);
    const nearBits = new Uint32Array(near.buffer);
    for (let i = 0; i < steps.length; i++)
      nearBits.set([bits[i]! - 1, bits[i]!, bits[i]! + 1], 3 * i);
    const expected = Array.from(near, (s) => Math.round(Math.max(-1, Math.min(1, s)) * 32767));
    const got = Array.from(floatToPcm16(near));
    expect(got.filter((v, i) => v !== expected[i]).length).toBe(0);
    expect(new Set(got).size).toBeGreaterThan(65000);
  });

  it('clips samples outside [-1, 1] instead of wrapping', () => {
    expect(
      Array.from(floatToPcm16(Float32Array.from([1.5, -3, 1e9, -Infinity, Infinity]))),
    ).toEqual([32767, -32767, 32767, -32767, 32767]);
  });

  it('turns NaN into silence', () => {
    expect(Array.from(floatToPcm16(Float32Array.from([NaN])))).toEqual([0]);
  });

  it('never normalizes: a quiet chunk stays quiet', () => {
    expect(Array.from(floatToPcm16(Float32Array.from([0.01, -0.02])))).toEqual([328, -655]);
  });
});

describe('Pcm16Scratch', () => {
  it('reuses its buffer across calls and grows for larger chunks', () => {
    const scratch = new Pcm16Scratch();
    const first = scratch.convert(new Float32Array(8).fill(0.25));
    const second = scratch.convert(new Float32Array(4).fill(-0.25));
    expect(second.buffer).toBe(first.buffer);
    expect(Array.from(second)).toEqual([-8192, -8192, -8192, -8192]);
    expect(scratch.convert(new Float32Array(100))).toHaveLength(100);
  });
});

describe('pcm16Bytes', () => {
  it('exposes the little-endian bytes without copying', () => {
    const pcm = floatToPcm16Into(Float32Array.from([1, -1]), new Int16Array(2));
    const bytes = pcm16Bytes(pcm);
    expect(Array.from(bytes)).toEqual([0xff, 0x7f, 0x01, 0x80]);
    expect(bytes.buffer).toBe(pcm.buffer);
  });
});
