// How a streamed chunk's audio goes on the wire, shared by the WebSocket and SSE doors. `wav` sends
// every chunk as a complete WAV file and `pcm` as raw s16le, so each chunk plays on its own; mp3,
// opus and flac send consecutive pieces of ONE continuous encoded stream (a decoder fed the pieces in
// order plays gaplessly; the last piece comes with the end of the stream).
import { createStreamEncoder, encodeWav, floatToPcm16, type AudioFormat } from '../audio/index.js';

export interface ChunkAudioWriter {
  readonly format: AudioFormat;
  /** Bytes to send for this chunk. */
  encode(samples: Float32Array): Uint8Array;
  /**
   * The same bytes, encoded a quarter second at a time with the event loop free in between: mp3
   * costs ~18 ms of main thread per audio second, so a 5 s chunk in one go would stall every other
   * stream for ~90 ms (wav and pcm are cheap and go in one piece).
   */
  encodeSliced(samples: Float32Array): Promise<Uint8Array>;
  /** Bytes that finish the stream (empty for wav/pcm). */
  finish(): Uint8Array;
}

/** Samples encoded between two yields to the event loop (0.25 s at 24 kHz). */
export const ENCODE_SLICE_SAMPLES = 6000;

const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

export function createChunkAudioWriter(
  format: AudioFormat,
  sampleRateHz: number,
): ChunkAudioWriter {
  const empty = () => new Uint8Array(0);
  if (format === 'wav' || format === 'pcm') {
    const encode =
      format === 'wav'
        ? (s: Float32Array) => encodeWav(s, sampleRateHz)
        : (s: Float32Array) => {
            const pcm = floatToPcm16(s);
            return new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
          };
    return { format, encode, encodeSliced: async (s) => encode(s), finish: empty };
  }
  const encoder = createStreamEncoder(format, { sampleRateHz });
  const encodeSliced = async (samples: Float32Array) => {
    const parts: Uint8Array[] = [];
    for (let at = 0; at < samples.length; at += ENCODE_SLICE_SAMPLES) {
      if (at > 0) await yieldToLoop();
      parts.push(encoder.write(samples.subarray(at, at + ENCODE_SLICE_SAMPLES)));
    }
    return Buffer.concat(parts);
  };
  return { format, encode: (s) => encoder.write(s), encodeSliced, finish: () => encoder.end() };
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
