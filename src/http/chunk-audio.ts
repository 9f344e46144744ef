// How a streamed chunk's audio goes on the wire, shared by the WebSocket and SSE doors. `wav` sends
// every chunk as a complete WAV file and `pcm` as raw s16le, so each chunk plays on its own; mp3,
// opus and flac send consecutive pieces of ONE continuous encoded stream (a decoder fed the pieces in
// order plays gaplessly; the last piece comes with the end of the stream).
import { createStreamEncoder, encodeWav, floatToPcm16, type AudioFormat } from '../audio/index.js';

export interface ChunkAudioWriter {
  readonly format: AudioFormat;
  /** Bytes to send for this chunk. */
  encode(samples: Float32Array): Uint8Array;
  /** Bytes that finish the stream (empty for wav/pcm). */
  finish(): Uint8Array;
}

export function createChunkAudioWriter(format: AudioFormat, sampleRateHz: number): ChunkAudioWriter {
  if (format === 'wav') {
    return { format, encode: (s) => encodeWav(s, sampleRateHz), finish: () => new Uint8Array(0) };
  }
  if (format === 'pcm') {
    return {
      format,
      encode: (s) => {
        const pcm = floatToPcm16(s);
        return new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
      },
      finish: () => new Uint8Array(0),
    };
  }
  const encoder = createStreamEncoder(format, { sampleRateHz });
  return { format, encode: (s) => encoder.write(s), finish: () => encoder.end() };
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
