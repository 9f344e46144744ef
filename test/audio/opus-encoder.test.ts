import { describe, expect, it } from 'vitest';
import { oggCrc32 } from '../../src/audio/ogg-page-writer.js';
import { createOpusStreamEncoder } from '../../src/audio/opus-encoder.js';

/** libopus' lookahead, 6.5 ms, in 48 kHz samples: the pre-skip every Opus encoder writes. */
const OPUS_PRE_SKIP_48K = 312;

const RATE = 24_000;

interface Page {
  flags: number;
  granule: bigint;
  serial: number;
  packets: Uint8Array[];
  crcOk: boolean;
}

function pages(bytes: Uint8Array): Page[] {
  const out: Page[] = [];
  for (let at = 0; at < bytes.length;) {
    const view = new DataView(bytes.buffer, bytes.byteOffset + at);
    const count = bytes[at + 26]!;
    const lacing = bytes.subarray(at + 27, at + 27 + count);
    const length = 27 + count + lacing.reduce((a, b) => a + b, 0);
    const page = Uint8Array.from(bytes.subarray(at, at + length)); // a copy even when `bytes` is a Buffer
    page.fill(0, 22, 26);
    const packets: Uint8Array[] = [];
    let body = at + 27 + count;
    let size = 0;
    for (const lace of lacing) {
      size += lace;
      if (lace < 255) {
        packets.push(bytes.subarray(body, body + size));
        body += size;
        size = 0;
      }
    }
    out.push({
      flags: bytes[at + 5]!,
      granule: view.getBigInt64(6, true),
      serial: view.getUint32(14, true),
      packets,
      crcOk: oggCrc32(page) === view.getUint32(22, true),
    });
    at += length;
  }
  return out;
}

const ascii = (bytes: Uint8Array | undefined, length = 8): string =>
  Buffer.from(bytes?.subarray(0, length) ?? []).toString('latin1');

describe('createOpusStreamEncoder', () => {
  const pieces = [1, 479, 480, 481, 7_000, 13, 24_000];
  const total = pieces.reduce((a, b) => a + b, 0);
  const encoder = createOpusStreamEncoder({ sampleRateHz: RATE });
  const writes = pieces.map((n) => encoder.write(new Float32Array(n).fill(0.1)));
  writes.push(encoder.end());
  const all = pages(Buffer.concat(writes));

  it('opens with OpusHead and OpusTags on pages of their own, once', () => {
    expect(all[0]!.packets.map((p) => ascii(p))).toEqual(['OpusHead']);
    expect(all[1]!.packets.map((p) => ascii(p))).toEqual(['OpusTags']);
    const heads = all
      .flatMap((p) => p.packets)
      .filter((p) => ascii(p) === 'OpusHead' || ascii(p) === 'OpusTags');
    expect(heads).toHaveLength(2);
    const head = new DataView(all[0]!.packets[0]!.buffer, all[0]!.packets[0]!.byteOffset);
    expect([
      head.getUint8(8),
      head.getUint8(9),
      head.getUint16(10, true),
      head.getUint32(12, true),
    ]).toEqual([1, 1, OPUS_PRE_SKIP_48K, RATE]);
  });

  it('sends the headers with the first write, before a whole frame is buffered', () => {
    expect(pages(writes[0]!).map((p) => ascii(p.packets[0]))).toEqual(['OpusHead', 'OpusTags']);
  });

  it('carries partial 20 ms frames across writes and pads only at the end', () => {
    const audio = all.slice(2).flatMap((p) => p.packets);
    expect(audio).toHaveLength(Math.ceil((total + OPUS_PRE_SKIP_48K / 2) / 480));
  });

  it('keeps one serial, valid checksums, rising granules, and flags only the last page EOS', () => {
    expect(new Set(all.map((p) => p.serial)).size).toBe(1);
    expect(all.every((p) => p.crcOk)).toBe(true);
    expect(all.map((p) => p.flags)).toEqual([0x02, ...Array<number>(all.length - 2).fill(0), 0x04]);
    const granules = all.slice(2).map((p) => p.granule);
    expect([...granules].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(granules);
  });

  it('ends on the granule of pre-skip plus the samples written, at 48 kHz', () => {
    expect(all.at(-1)!.granule).toBe(BigInt(OPUS_PRE_SKIP_48K + total * 2));
  });

  it('sizes packets by the bitrate', () => {
    const noise = Float32Array.from(
      { length: RATE * 2 },
      (_, i) => 0.5 * Math.sin(i * 0.37) * Math.sin(i * 0.011),
    );
    const sizes = [16, 64].map((bitrateKbps) => {
      const e = createOpusStreamEncoder({ sampleRateHz: RATE, bitrateKbps });
      return Buffer.concat([e.write(noise), e.end()]).length;
    });
    expect(sizes[1]!).toBeGreaterThan(sizes[0]! * 2);
  });

  it('keeps an open stream intact while many others start and grow the shared heap', () => {
    const speech = Float32Array.from(
      { length: RATE },
      (_, i) => 0.4 * Math.sin(i / 7) * Math.sin(i / 900),
    );
    const packetsOf = (bytes: Uint8Array): string[] =>
      pages(bytes)
        .slice(2)
        .flatMap((p) => p.packets)
        .map((p) => Buffer.from(p).toString('hex'));
    const reference = createOpusStreamEncoder({ sampleRateHz: RATE });
    const expected = packetsOf(
      Buffer.concat([reference.write(speech), reference.write(speech), reference.end()]),
    );
    const open = createOpusStreamEncoder({ sampleRateHz: RATE });
    const first = open.write(speech);
    // the WebAssembly heap starts at 16 MiB and grows after ~260 encoders (~43 KiB each)
    const others = Array.from({ length: 400 }, () =>
      createOpusStreamEncoder({ sampleRateHz: RATE }),
    );
    const rest = [open.write(speech), open.end()];
    for (const other of others) other.close();
    expect(packetsOf(Buffer.concat([first, ...rest]))).toEqual(expected);
  });
});
