// The response formats every door can answer with, their MIME types, and the one streaming-encoder
// shape they share: each door pushes float32 chunks in and sends whatever bytes come out.

export type AudioFormat = 'wav' | 'pcm' | 'mp3' | 'opus' | 'flac';

export const AUDIO_FORMATS: readonly AudioFormat[] = Object.freeze([
  'wav',
  'pcm',
  'mp3',
  'opus',
  'flac',
]);

const CONTENT_TYPES: Readonly<Record<AudioFormat, string>> = {
  wav: 'audio/wav',
  // Raw signed 16-bit little-endian mono samples, no header, at the model's rate (24 kHz for
  // KittenTTS) — the same contract as OpenAI's `pcm`; clients must know the rate out of band.
  pcm: 'audio/pcm',
  mp3: 'audio/mpeg',
  // Opus in an Ogg container (RFC 7845), the form browsers and ffmpeg play directly.
  opus: 'audio/ogg',
  flac: 'audio/flac',
};

export function contentTypeFor(format: AudioFormat): string {
  return CONTENT_TYPES[format];
}

export function isAudioFormat(value: string): value is AudioFormat {
  return Object.hasOwn(CONTENT_TYPES, value);
}

export interface StreamEncoder {
  readonly format: AudioFormat;
  readonly contentType: string;
  /** Encodes the next piece of a continuous stream; returns the bytes ready to send now (may be empty). */
  write(samples: Float32Array): Uint8Array;
  /** Finishes the stream (flushes encoder delay, final Ogg page, etc.). */
  end(): Uint8Array;
  /**
   * Releases the encoder without finishing the stream (a cancelled or disconnected client). The
   * mp3/opus/flac encoders hold WebAssembly/asm.js heap memory, so a door that abandons a stream
   * should call this; end() releases too, and both are idempotent.
   */
  close(): void;
}

export interface StreamEncoderOptions {
  sampleRateHz: number;
  /** Lossy formats only: mp3 (default 64, MPEG-2 rates 32–160) and opus (default 32). */
  bitrateKbps?: number;
  /** flac only: the length, when known before the first write, goes into STREAMINFO (players show it). */
  totalSamples?: number;
}
