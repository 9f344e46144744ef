import { describe, expect, it } from 'vitest';
import {
  createPcmStreamEncoder,
  createWavStreamEncoder,
  encodeWav,
  WAV_HEADER_BYTES,
} from '../../src/audio/wav-encoder.js';

const ascii = (bytes: Uint8Array, at: number, length = 4): string =>
  Buffer.from(bytes.subarray(at, at + length)).toString('latin1');

describe('encodeWav', () => {
  it('writes a canonical PCM16 mono RIFF file with exact sizes', () => {
    const wav = encodeWav(Float32Array.from([0, 0.5, -1]), 24_000);
    const view = new DataView(wav.buffer, wav.byteOffset);
    expect(wav).toHaveLength(WAV_HEADER_BYTES + 6);
    expect([ascii(wav, 0), ascii(wav, 8), ascii(wav, 12), ascii(wav, 36)]).toEqual([
      'RIFF',
      'WAVE',
      'fmt ',
      'data',
    ]);
    expect(view.getUint32(4, true)).toBe(36 + 6);
    expect(view.getUint16(20, true)).toBe(1); // PCM
    expect(view.getUint16(22, true)).toBe(1); // mono
    expect(view.getUint32(24, true)).toBe(24_000);
    expect(view.getUint32(28, true)).toBe(48_000);
    expect(view.getUint16(32, true)).toBe(2);
    expect(view.getUint16(34, true)).toBe(16);
    expect(view.getUint32(40, true)).toBe(6);
    expect([view.getInt16(44, true), view.getInt16(46, true), view.getInt16(48, true)]).toEqual([
      0, 16384, -32767,
    ]);
  });
});

describe('createWavStreamEncoder', () => {
  it('sends one header with the unknown-size convention, then only samples', () => {
    const encoder = createWavStreamEncoder({ sampleRateHz: 24_000 });
    const first = encoder.write(new Float32Array(3));
    const second = encoder.write(Float32Array.from([1]));
    const view = new DataView(first.buffer, first.byteOffset);
    expect(first).toHaveLength(WAV_HEADER_BYTES + 6);
    expect(ascii(first, 0)).toBe('RIFF');
    expect(view.getUint32(4, true)).toBe(0xffffffff);
    expect(view.getUint32(40, true)).toBe(0xffffffff);
    expect(Array.from(second)).toEqual([0xff, 0x7f]);
    expect(encoder.end()).toHaveLength(0);
  });

  it('still sends the header when the stream ends before any audio', () => {
    const encoder = createWavStreamEncoder({ sampleRateHz: 24_000 });
    expect(ascii(encoder.end(), 0)).toBe('RIFF');
  });
});

describe('createPcmStreamEncoder', () => {
  it('sends raw little-endian samples with no header', () => {
    const encoder = createPcmStreamEncoder({ sampleRateHz: 24_000 });
    expect(Array.from(encoder.write(Float32Array.from([-1, 1])))).toEqual([0x01, 0x80, 0xff, 0x7f]);
    expect(encoder.end()).toHaveLength(0);
  });
});
