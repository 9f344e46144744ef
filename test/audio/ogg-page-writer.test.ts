import { describe, expect, it } from 'vitest';
import { oggCrc32, OggPageWriter } from '../../src/audio/ogg-page-writer.js';

interface Page {
  flags: number;
  granule: bigint;
  serial: number;
  sequence: number;
  lacing: number[];
  crcOk: boolean;
  body: Uint8Array;
}

function parsePages(bytes: Uint8Array): Page[] {
  const pages: Page[] = [];
  for (let at = 0; at < bytes.length;) {
    const view = new DataView(bytes.buffer, bytes.byteOffset + at);
    expect(Buffer.from(bytes.subarray(at, at + 4)).toString('latin1')).toBe('OggS');
    const count = bytes[at + 26]!;
    const lacing = Array.from(bytes.subarray(at + 27, at + 27 + count));
    const length = 27 + count + lacing.reduce((a, b) => a + b, 0);
    const page = Uint8Array.from(bytes.subarray(at, at + length));
    const stored = new DataView(page.buffer).getUint32(22, true);
    page.fill(0, 22, 26);
    pages.push({
      flags: bytes[at + 5]!,
      granule: view.getBigInt64(6, true),
      serial: view.getUint32(14, true),
      sequence: view.getUint32(18, true),
      lacing,
      crcOk: oggCrc32(page) === stored,
      body: bytes.slice(at + 27 + count, at + length),
    });
    at += length;
  }
  return pages;
}

describe('oggCrc32', () => {
  it('matches the CRC-32/CKSUM check value once its final xor is applied', () => {
    expect((oggCrc32(new TextEncoder().encode('123456789')) ^ 0xffffffff) >>> 0).toBe(0x765e7680);
  });
});

describe('OggPageWriter', () => {
  it('writes header pages alone, flags the first page BOS and the last EOS, and checksums every page', () => {
    const ogg = new OggPageWriter(0xdeadbeef);
    ogg.addHeaderPage(new Uint8Array(19));
    ogg.addPacket(new Uint8Array(10).fill(1), 960n);
    ogg.addPacket(new Uint8Array(20).fill(2), 1920n);
    const first = parsePages(ogg.take());
    ogg.addPacket(new Uint8Array(5), 2880n);
    ogg.setGranule(2500n);
    const last = parsePages(ogg.take(true));
    const pages = [...first, ...last];
    expect(pages.map((p) => p.flags)).toEqual([0x02, 0, 0x04]);
    expect(pages.map((p) => p.sequence)).toEqual([0, 1, 2]);
    expect(pages.map((p) => p.granule)).toEqual([0n, 1920n, 2500n]);
    expect(pages.every((p) => p.serial === 0xdeadbeef && p.crcOk)).toBe(true);
    expect(pages[1]!.lacing).toEqual([10, 20]);
  });

  it('laces a packet of exactly 255 bytes with a terminating zero', () => {
    const ogg = new OggPageWriter(1);
    ogg.addPacket(new Uint8Array(255), 960n);
    ogg.addPacket(new Uint8Array(600), 1920n);
    expect(parsePages(ogg.take())[0]!.lacing).toEqual([255, 0, 255, 255, 90]);
  });

  it('starts a new page before the 255 lacing values run out, never splitting a packet', () => {
    const ogg = new OggPageWriter(1);
    for (let i = 1; i <= 300; i++) ogg.addPacket(new Uint8Array(100), BigInt(i * 960));
    const pages = parsePages(ogg.take());
    expect(pages.map((p) => p.lacing.length)).toEqual([255, 45]);
    expect(pages.map((p) => p.granule)).toEqual([255n * 960n, 300n * 960n]);
    expect(pages.every((p) => p.crcOk)).toBe(true);
  });

  it('returns nothing when no packet is waiting', () => {
    expect(new OggPageWriter(1).take()).toHaveLength(0);
  });
});
