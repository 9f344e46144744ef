// The Xing/LAME "Info" tag: a silent first mp3 frame that tells decoders (ffmpeg, browsers,
// players) the encoder delay and end padding to trim, and for a finished file its frame count.
// Layout: the Xing spec plus the LAME tag revision 1 (the fields ffmpeg's mp3 demuxer reads).

/** LAME's encoder delay in samples; decoders add their own 529 on top (ffmpeg does). */
export const LAME_ENCODER_DELAY_SAMPLES = 576;

export interface Mp3FrameHeader {
  /** The 4 header bytes as found. */
  bytes: Uint8Array;
  mpeg1: boolean;
  bitrateKbps: number;
  sampleRateHz: number;
  samplesPerFrame: number;
  /** Bytes of layer III side information for a mono frame. */
  sideInfoBytes: number;
  /** Frame length including the padding slot when the padding bit is set. */
  frameBytes: number;
}

const BITRATES_MPEG1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_MPEG2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const SAMPLE_RATES: Record<number, readonly number[]> = {
  3: [44100, 48000, 32000], // MPEG-1
  2: [22050, 24000, 16000], // MPEG-2
  0: [11025, 12000, 8000], // MPEG-2.5
};

export function parseMp3Header(data: Uint8Array, offset: number): Mp3FrameHeader {
  const b1 = data[offset + 1] ?? 0;
  const b2 = data[offset + 2] ?? 0;
  const version = (b1 >> 3) & 3;
  const sampleRateHz = SAMPLE_RATES[version]?.[(b2 >> 2) & 3];
  const mpeg1 = version === 3;
  const bitrateKbps = (mpeg1 ? BITRATES_MPEG1 : BITRATES_MPEG2)[b2 >> 4];
  // Layer III (01), no CRC (protection bit 1): all LAME writes.
  if (data[offset] !== 0xff || (b1 & 0xe7) !== 0xe3 || !sampleRateHz || !bitrateKbps) {
    throw new Error(`no mp3 layer III frame header at byte ${offset}`);
  }
  const slotBytes = Math.floor(((mpeg1 ? 144 : 72) * bitrateKbps * 1000) / sampleRateHz);
  return {
    bytes: data.slice(offset, offset + 4),
    mpeg1,
    bitrateKbps,
    sampleRateHz,
    samplesPerFrame: mpeg1 ? 1152 : 576,
    sideInfoBytes: mpeg1 ? 17 : 9,
    frameBytes: slotBytes + ((b2 >> 1) & 1),
  };
}

/** Walks the frame headers of headerless mp3 data. */
export function countMp3Frames(data: Uint8Array): number {
  let frames = 0;
  for (let offset = 0; offset < data.length; frames++)
    offset += parseMp3Header(data, offset).frameBytes;
  return frames;
}

export interface InfoTagTotals {
  frames: number;
  /** Bytes of the audio frames after the tag. */
  audioBytes: number;
  paddingSamples: number;
}

/** CRC-16/ARC, the checksum of the LAME tag. */
function crc16(data: Uint8Array, end: number): number {
  let crc = 0;
  for (let i = 0; i < end; i++) {
    crc ^= data[i]!;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/**
 * A silent frame shaped like `first` carrying the Info tag. Without `totals` (a live stream) the
 * byte count is 0xFFFFFFFF, "unknown, read to the end" as in a streamed WAV: ffmpeg (and so
 * Chromium) only treats an Info frame as a header, trimming the delay, when it carries a count;
 * with neither count it decodes the tag as a frame of silence.
 */
export function buildInfoTagFrame(first: Mp3FrameHeader, totals?: InfoTagTotals): Uint8Array {
  const header = first.bytes.slice();
  header[2] = header[2]! & ~0x02; // no padding slot: the size is then known from the bitrate alone
  const frame = new Uint8Array(first.frameBytes - ((first.bytes[2]! >> 1) & 1));
  const view = new DataView(frame.buffer);
  frame.set(header);
  let at = 4 + first.sideInfoBytes;
  frame.set([0x49, 0x6e, 0x66, 0x6f], at); // "Info": the CBR flavour of the Xing tag
  if (totals) {
    view.setUint32(at + 4, 0x3); // flags: frame count and byte count present
    view.setUint32(at + 8, totals.frames);
    view.setUint32(at + 12, frame.length + totals.audioBytes);
    at += 16;
  } else {
    view.setUint32(at + 4, 0x2); // flags: byte count present
    view.setUint32(at + 8, 0xffffffff);
    at += 12;
  }
  for (let i = 0; i < 9; i++) frame[at + i] = 'LAME3.98r'.charCodeAt(i);
  frame[at + 9] = 0x01; // tag revision 0, CBR
  frame[at + 20] = Math.min(first.bitrateKbps, 255);
  const padding = totals ? Math.min(Math.max(totals.paddingSamples, 0), 0xfff) : 0;
  frame[at + 21] = LAME_ENCODER_DELAY_SAMPLES >> 4;
  frame[at + 22] = ((LAME_ENCODER_DELAY_SAMPLES & 0xf) << 4) | (padding >> 8);
  frame[at + 23] = padding & 0xff;
  if (totals) view.setUint32(at + 28, frame.length + totals.audioBytes);
  view.setUint16(at + 34, crc16(frame, at + 34));
  return frame;
}
