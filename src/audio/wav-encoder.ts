// WAV and raw PCM: the formats that need no codec. A one-shot WAV carries exact sizes; a streamed
// WAV carries one header whose RIFF and data sizes are 0xFFFFFFFF ("unknown, read to the end"),
// the convention OpenAI's and most TTS servers' streamed WAV use and ffmpeg, browsers and
// Python's soundfile accept, followed by raw PCM.
import type { StreamEncoder, StreamEncoderOptions } from './audio-format.js';
import { contentTypeFor } from './audio-format.js';
import { floatToPcm16, Pcm16Scratch, pcm16Bytes } from './float-to-pcm16.js';

export const WAV_HEADER_BYTES = 44;
const UNKNOWN_SIZE = 0xffffffff;

/** A canonical 44-byte RIFF/WAVE header for PCM16 mono; `dataBytes` undefined → the streaming sizes. */
export function wavHeader(sampleRateHz: number, dataBytes?: number): Uint8Array {
  const header = new Uint8Array(WAV_HEADER_BYTES);
  const view = new DataView(header.buffer);
  const ascii = (offset: number, text: string): void => {
    for (let i = 0; i < text.length; i++) header[offset + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, dataBytes === undefined ? UNKNOWN_SIZE : 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true); // fmt chunk size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRateHz, true);
  view.setUint32(28, sampleRateHz * 2, true); // byte rate
  view.setUint16(32, 2, true); // block align
  view.setUint16(34, 16, true); // bits per sample
  ascii(36, 'data');
  view.setUint32(40, dataBytes === undefined ? UNKNOWN_SIZE : dataBytes, true);
  return header;
}

/** A complete RIFF/WAVE PCM16 mono file with exact sizes. */
export function encodeWav(samples: Float32Array, sampleRateHz: number): Uint8Array {
  const out = new Uint8Array(WAV_HEADER_BYTES + samples.length * 2);
  out.set(wavHeader(sampleRateHz, samples.length * 2));
  out.set(pcm16Bytes(floatToPcm16(samples)), WAV_HEADER_BYTES);
  return out;
}

/** Raw PCM (`withHeader` false) or streamed WAV: the header goes out with the first bytes. */
function createPcm16StreamEncoder(
  withHeader: boolean,
  options: StreamEncoderOptions,
): StreamEncoder {
  const format = withHeader ? 'wav' : 'pcm';
  const scratch = new Pcm16Scratch();
  let headerPending = withHeader;
  let ended = false;
  const takeHeader = (): Uint8Array | undefined => {
    if (!headerPending) return undefined;
    headerPending = false;
    return wavHeader(options.sampleRateHz);
  };
  return {
    format,
    contentType: contentTypeFor(format),
    write(samples) {
      if (ended) throw new Error(`${format} stream already ended`);
      const header = takeHeader();
      const out = new Uint8Array((header?.length ?? 0) + samples.length * 2);
      if (header) out.set(header);
      out.set(pcm16Bytes(scratch.convert(samples)), header?.length ?? 0);
      return out;
    },
    end() {
      if (ended) return new Uint8Array(0);
      ended = true;
      // A stream that never saw a sample still owes its client a playable (empty) WAV.
      return takeHeader() ?? new Uint8Array(0);
    },
    close() {
      ended = true;
    },
  };
}

export function createWavStreamEncoder(options: StreamEncoderOptions): StreamEncoder {
  return createPcm16StreamEncoder(true, options);
}

export function createPcmStreamEncoder(options: StreamEncoderOptions): StreamEncoder {
  return createPcm16StreamEncoder(false, options);
}

/** Raw float32 little-endian samples, as synthesized (no clipping, no rounding). */
export function createPcmF32StreamEncoder(_options: StreamEncoderOptions): StreamEncoder {
  let ended = false;
  return {
    format: 'pcm_f32le',
    contentType: contentTypeFor('pcm_f32le'),
    write(samples) {
      if (ended) throw new Error('pcm_f32le stream already ended');
      return new Uint8Array(samples.slice().buffer); // a copy: the caller may reuse its buffer
    },
    end() {
      ended = true;
      return new Uint8Array(0);
    },
    close() {
      ended = true;
    },
  };
}
