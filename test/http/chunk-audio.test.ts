import { describe, expect, it } from 'vitest';
import { createChunkAudioWriter, ENCODE_SLICE_SAMPLES } from '../../src/http/chunk-audio.js';

/** The Opus packets of an Ogg stream (page serials and CRCs differ between two streams by design). */
function oggPackets(bytes: Uint8Array): string[] {
  const packets: string[] = [];
  let packet: number[] = [];
  for (let at = 0; at + 27 <= bytes.length;) {
    const segments = bytes[at + 26]!;
    const lacing = bytes.subarray(at + 27, at + 27 + segments);
    let body = at + 27 + segments;
    for (const size of lacing) {
      packet.push(...bytes.subarray(body, body + size));
      body += size;
      if (size < 255) {
        packets.push(Buffer.from(packet).toString('hex'));
        packet = [];
      }
    }
    at = body;
  }
  return packets;
}

const same = (format: string, a: Uint8Array, b: Uint8Array) =>
  format === 'opus'
    ? expect(oggPackets(a)).toEqual(oggPackets(b))
    : expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);

const tone = (n: number) =>
  Float32Array.from({ length: n }, (_, i) => 0.4 * Math.sin(i / 9) * Math.sin(i / 2000));

describe('ChunkAudioWriter', () => {
  for (const format of ['mp3', 'opus', 'flac', 'wav', 'pcm'] as const) {
    it(`gives the same ${format} bytes encoded in slices as in one piece, chunk after chunk`, async () => {
      const whole = createChunkAudioWriter(format, 24000);
      const sliced = createChunkAudioWriter(format, 24000);
      const a: Uint8Array[] = [];
      const b: Uint8Array[] = [];
      for (const n of [ENCODE_SLICE_SAMPLES * 5 + 123, 777, ENCODE_SLICE_SAMPLES]) {
        const samples = tone(n);
        a.push(await sliced.encodeSliced(samples));
        b.push(whole.encode(samples));
      }
      a.push(sliced.finish());
      b.push(whole.finish());
      same(format, Buffer.concat(a), Buffer.concat(b));
    });
  }

  it('lets other work run between the slices of a long chunk', async () => {
    const writer = createChunkAudioWriter('mp3', 24000);
    const order: string[] = [];
    setImmediate(() => order.push('other work'));
    await writer.encodeSliced(tone(ENCODE_SLICE_SAMPLES * 8)).then(() => order.push('encoded'));
    expect(order).toEqual(['other work', 'encoded']);
  });
});
