// A minimal Ogg page writer (RFC 3533) for one logical stream: packets in, complete pages out.
// Packets never span pages here, so each page ends on a packet boundary and its granule position
// is the one of its last packet — what a live stream wants, since every page is sent at once.

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let bit = 0; bit < 8; bit++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

/** Ogg's CRC-32: polynomial 0x04C11DB7, not reflected, initial value 0, no final xor. */
export function oggCrc32(data: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < data.length; i++)
    crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ data[i]!) & 0xff]!;
  return crc >>> 0;
}

const HEADER_BYTES = 27;
const MAX_SEGMENTS = 255;
const FLAG_BOS = 0x02;
const FLAG_EOS = 0x04;

export class OggPageWriter {
  private sequence = 0;
  private packets: Uint8Array[] = [];
  private segments = 0;
  private granule = 0n;
  private readonly out: Uint8Array[] = [];

  constructor(private readonly serial: number) {}

  /** Queues a packet whose last sample ends at `granule`; fills a page when 255 lacing values are used. */
  addPacket(packet: Uint8Array, granule: bigint): void {
    const lacing = Math.floor(packet.length / 255) + 1;
    if (lacing > MAX_SEGMENTS) throw new RangeError('Ogg packet too large for one page');
    if (this.segments + lacing > MAX_SEGMENTS) this.flushPage(false);
    this.packets.push(packet);
    this.segments += lacing;
    this.granule = granule;
  }

  /** Overrides the granule position of the page being filled (Opus end-trimming on the last page). */
  setGranule(granule: bigint): void {
    this.granule = granule;
  }

  /** A page of its own for a header packet (RFC 7845 wants OpusHead and OpusTags alone on theirs). */
  addHeaderPage(packet: Uint8Array): void {
    this.addPacket(packet, 0n);
    this.flushPage(false);
  }

  /** Closes the current page (the last one, flagged end-of-stream, when `last`); returns all pages written since the previous take. */
  take(last = false): Uint8Array {
    if (this.packets.length > 0 || last) this.flushPage(last);
    const total = this.out.reduce((n, page) => n + page.length, 0);
    const bytes = new Uint8Array(total);
    let offset = 0;
    for (const page of this.out) {
      bytes.set(page, offset);
      offset += page.length;
    }
    this.out.length = 0;
    return bytes;
  }

  private flushPage(last: boolean): void {
    const lacing: number[] = [];
    let bodyBytes = 0;
    for (const packet of this.packets) {
      for (let left = packet.length; ; left -= 255) {
        lacing.push(Math.min(left, 255));
        if (left < 255) break;
      }
      bodyBytes += packet.length;
    }
    const page = new Uint8Array(HEADER_BYTES + lacing.length + bodyBytes);
    const view = new DataView(page.buffer);
    page.set([0x4f, 0x67, 0x67, 0x53]); // "OggS"; version 0 at byte 4
    page[5] = (this.sequence === 0 ? FLAG_BOS : 0) | (last ? FLAG_EOS : 0);
    view.setBigInt64(6, this.granule, true);
    view.setUint32(14, this.serial, true);
    view.setUint32(18, this.sequence++, true);
    page[26] = lacing.length;
    page.set(lacing, HEADER_BYTES);
    let offset = HEADER_BYTES + lacing.length;
    for (const packet of this.packets) {
      page.set(packet, offset);
      offset += packet.length;
    }
    view.setUint32(22, oggCrc32(page), true); // computed with the CRC field still zero
    this.out.push(page);
    this.packets = [];
    this.segments = 0;
  }
}
