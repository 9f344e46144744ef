import { describe, expect, it } from 'vitest';
import { createMp3StreamEncoder, encodeMp3 } from '../../src/audio/mp3-encoder.js';
import {
  countMp3Frames,
  LAME_ENCODER_DELAY_SAMPLES,
  parseMp3Header,
} from '../../src/audio/mp3-info-tag.js';

const RATE = 24_000;
const tone = (samples: number): Float32Array =>
  Float32Array.from({ length: samples }, (_, i) => 0.3 * Math.sin(i / 9));

/** Every frame of an mp3 byte string: its offset and whether it is an Info/Xing tag frame. */
function frames(bytes: Uint8Array): { offset: number; tag: string }[] {
  const out: { offset: number; tag: string }[] = [];
  for (let offset = 0; offset < bytes.length;) {
    const header = parseMp3Header(bytes, offset);
    const at = offset + 4 + header.sideInfoBytes;
    out.push({ offset, tag: Buffer.from(bytes.subarray(at, at + 4)).toString('latin1') });
    offset += header.frameBytes;
  }
  return out;
}

/** The LAME tag fields ffmpeg reads, after an Info tag whose flags say which counts follow. */
function lameFields(bytes: Uint8Array): {
  flags: number;
  frames?: number;
  bytes?: number;
  delay: number;
  padding: number;
} {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const at = 4 + parseMp3Header(bytes, 0).sideInfoBytes;
  const flags = view.getUint32(at + 4);
  let lame = at + 8;
  const result: { flags: number; frames?: number; bytes?: number; delay: number; padding: number } =
    { flags, delay: 0, padding: 0 };
  if (flags & 1) result.frames = view.getUint32((lame += 4) - 4);
  if (flags & 2) result.bytes = view.getUint32((lame += 4) - 4);
  expect(Buffer.from(bytes.subarray(lame, lame + 4)).toString('latin1')).toBe('LAME');
  const packed = (bytes[lame + 21]! << 16) | (bytes[lame + 22]! << 8) | bytes[lame + 23]!;
  return { ...result, delay: packed >> 12, padding: packed & 0xfff };
}

describe('createMp3StreamEncoder', () => {
  it('sends one Info tag ahead of the first frames and never another, nor any ID3', () => {
    const encoder = createMp3StreamEncoder({ sampleRateHz: RATE });
    const writes = [tone(100), tone(30_000), tone(7), tone(12_345)].map((s) => encoder.write(s));
    writes.push(encoder.end());
    const stream = Buffer.concat(writes);
    expect(stream.subarray(0, 3).toString('latin1')).not.toBe('ID3');
    const tags = frames(stream).filter((f) => f.tag === 'Info' || f.tag === 'Xing');
    expect(tags).toEqual([{ offset: 0, tag: 'Info' }]);
    expect(stream.indexOf('ID3')).toBe(-1);
  });

  it("marks a stream's length unknown but its encoder delay known", () => {
    const encoder = createMp3StreamEncoder({ sampleRateHz: RATE });
    const first = encoder.write(tone(24_000));
    encoder.close();
    expect(lameFields(first)).toEqual({
      flags: 2,
      bytes: 0xffffffff,
      delay: LAME_ENCODER_DELAY_SAMPLES,
      padding: 0,
    });
  });

  it('writes MPEG-2 layer III frames at 24 kHz and the requested constant bitrate', () => {
    const encoder = createMp3StreamEncoder({ sampleRateHz: RATE, bitrateKbps: 48 });
    const bytes = Buffer.concat([encoder.write(tone(24_000)), encoder.end()]);
    const header = parseMp3Header(bytes, 0);
    expect(header).toMatchObject({
      mpeg1: false,
      sampleRateHz: RATE,
      bitrateKbps: 48,
      samplesPerFrame: 576,
      frameBytes: 144,
    });
    expect(bytes.length % 144).toBe(0);
  });
});

describe('encodeMp3', () => {
  it('records frame count, size, delay and padding so decoders trim to the exact length', () => {
    const samples = 24_000 + 321;
    const file = encodeMp3(tone(samples), { sampleRateHz: RATE });
    const tag = parseMp3Header(file, 0);
    const audioFrames = countMp3Frames(file.subarray(tag.frameBytes));
    const fields = lameFields(file);
    expect(fields).toEqual({
      flags: 3,
      frames: audioFrames,
      bytes: file.length,
      delay: LAME_ENCODER_DELAY_SAMPLES,
      padding: audioFrames * 576 - samples - LAME_ENCODER_DELAY_SAMPLES,
    });
    expect(fields.padding).toBeGreaterThanOrEqual(529); // the decoder's own delay, then < 1 frame
    expect(fields.padding).toBeLessThan(576 + 529);
  });

  it('checksums the LAME tag with CRC-16', () => {
    const file = encodeMp3(tone(5_000), { sampleRateHz: RATE });
    const end = 4 + 9 + 16 + 34; // header, side info, Info+flags+frames+bytes, LAME fields before the CRC
    let crc = 0;
    for (const byte of file.subarray(0, end)) {
      crc ^= byte;
      for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
    }
    expect(new DataView(file.buffer, file.byteOffset).getUint16(end)).toBe(crc);
  });
});

describe('parseMp3Header', () => {
  it('rejects bytes that are not a layer III frame header', () => {
    expect(() => parseMp3Header(new Uint8Array([0x49, 0x44, 0x33, 0x04]), 0)).toThrow(/no mp3/);
  });
});
