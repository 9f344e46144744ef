import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createFlacStreamEncoder,
  encodeFlac,
  FLAC_STREAM_BLOCK_SAMPLES,
} from '../../src/audio/flac-encoder.js';
import { floatToPcm16, pcm16Bytes } from '../../src/audio/float-to-pcm16.js';

const RATE = 24_000;
const tone = (samples: number): Float32Array =>
  Float32Array.from({ length: samples }, (_, i) => 0.3 * Math.sin(i / 9));

/** STREAMINFO fields (it follows "fLaC" and a 4-byte block header). */
function streamInfo(file: Uint8Array): {
  minBlock: number;
  sampleRateHz: number;
  channels: number;
  bits: number;
  total: number;
  md5: string;
} {
  const view = new DataView(file.buffer, file.byteOffset + 8);
  const packed = view.getBigUint64(10);
  return {
    minBlock: view.getUint16(0),
    sampleRateHz: Number(packed >> 44n),
    channels: Number((packed >> 41n) & 7n) + 1,
    bits: Number((packed >> 36n) & 31n) + 1,
    total: Number(packed & 0xfffffffffn),
    md5: Buffer.from(file.subarray(8 + 18, 8 + 34)).toString('hex'),
  };
}

describe('encodeFlac', () => {
  it('writes STREAMINFO with the rate, total samples and the MD5 of the PCM', () => {
    const samples = tone(10_001);
    const file = encodeFlac(samples, RATE);
    expect(Buffer.from(file.subarray(0, 4)).toString('latin1')).toBe('fLaC');
    expect(streamInfo(file)).toMatchObject({
      sampleRateHz: RATE,
      channels: 1,
      bits: 16,
      total: 10_001,
    });
    expect(streamInfo(file).md5).toBe(
      createHash('md5')
        .update(pcm16Bytes(floatToPcm16(samples)))
        .digest('hex'),
    );
  });
});

describe('createFlacStreamEncoder', () => {
  it('sends the stream header with the first write and says the length is unknown', () => {
    const encoder = createFlacStreamEncoder({ sampleRateHz: RATE });
    const first = encoder.write(tone(100));
    encoder.close();
    expect(Buffer.from(first.subarray(0, 4)).toString('latin1')).toBe('fLaC');
    expect(streamInfo(first)).toMatchObject({
      minBlock: FLAC_STREAM_BLOCK_SAMPLES,
      total: 0,
      md5: '0'.repeat(32),
    });
  });

  it('emits one fLaC marker and holds back at most one block per write', () => {
    const encoder = createFlacStreamEncoder({ sampleRateHz: RATE });
    const writes = [tone(5_000), tone(3_000), tone(10)].map((s) => encoder.write(s));
    writes.push(encoder.end());
    const stream = Buffer.concat(writes);
    expect(stream.indexOf('fLaC', 1)).toBe(-1);
    // after 8,000 samples, 6 whole blocks (6,912 samples) must already have gone out
    expect(writes[0]!.length + writes[1]!.length).toBeGreaterThan(writes[3]!.length);
  });

  it('keeps an open stream intact while many others start and grow the shared heap', () => {
    const reference = createFlacStreamEncoder({ sampleRateHz: RATE });
    const expected = Buffer.concat([reference.write(tone(30_000)), reference.end()]);
    const open = createFlacStreamEncoder({ sampleRateHz: RATE });
    const first = open.write(tone(20_000).subarray(0, 12_345));
    const others = Array.from({ length: 60 }, () =>
      createFlacStreamEncoder({ sampleRateHz: RATE }),
    );
    others.forEach((other) => other.write(tone(5_000)));
    const rest = [open.write(tone(30_000).subarray(12_345)), open.end()];
    for (const other of others) other.close();
    expect(Buffer.concat([first, ...rest]).equals(expected)).toBe(true);
  });
});
