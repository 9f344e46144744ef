// The response formats every door can answer with, their MIME types, and the one streaming-encoder
// shape they share: each door pushes float32 chunks in and sends whatever bytes come out.

export type AudioFormat = 'wav' | 'pcm' | 'mp3' | 'opus' | 'flac' | 'mulaw' | 'alaw' | 'pcm_f32le';

export const AUDIO_FORMATS: readonly AudioFormat[] = Object.freeze([
  'wav',
  'pcm',
  'mp3',
  'opus',
  'flac',
  'mulaw',
  'alaw',
  'pcm_f32le',
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
  // G.711, one byte per sample, no header (what telephony media streams carry). audio/basic is
  // μ-law's registered type (RFC 2046); A-law has none outside RTP, so the common x- name.
  mulaw: 'audio/basic',
  alaw: 'audio/x-alaw-basic',
  // Raw 32-bit IEEE float little-endian mono samples, no header.
  pcm_f32le: 'audio/pcm;encoding=float;bits=32',
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
  /** The rate of the samples written in (the model's: 24000 for KittenTTS). */
  sampleRateHz: number;
  /**
   * The rate of the audio that comes out (default: sampleRateHz, no resampling). Anything else is
   * resampled band-limited (see resampler.ts), with the filter state carried across write()s.
   */
  outputSampleRateHz?: number;
  /** Lossy formats only: mp3 (default 64, MPEG-2 rates 32–160) and opus (default 32). */
  bitrateKbps?: number;
  /** flac only: the length, when known before the first write, goes into STREAMINFO (players show it). */
  totalSamples?: number;
}

/** The output rates every door offers; 24000 is the KittenTTS model's own (no resampling). */
export const OUTPUT_SAMPLE_RATES_HZ: readonly number[] = Object.freeze([
  8000, 16000, 22050, 24000, 44100, 48000,
]);
// Opus runs only at libopus' rates (8/12/16/24/48 kHz); of ours, 22.05 and 44.1 kHz are out.
const OPUS_OUTPUT_RATES_HZ: readonly number[] = Object.freeze([8000, 16000, 24000, 48000]);
const TELEPHONY_RATE_HZ = 8000;

/** The output rates one format can be asked for. */
export function sampleRatesFor(format: AudioFormat): readonly number[] {
  return format === 'opus' ? OPUS_OUTPUT_RATES_HZ : OUTPUT_SAMPLE_RATES_HZ;
}

/** The rate a door answers with when the client names none: G.711 at 8 kHz, the rest unchanged. */
export function defaultSampleRateFor(format: AudioFormat, modelRateHz: number): number {
  return format === 'mulaw' || format === 'alaw' ? TELEPHONY_RATE_HZ : modelRateHz;
}

/** Why `format` cannot be sent at `sampleRateHz` (a client-facing sentence), or undefined if it can. */
export function sampleRateProblem(format: AudioFormat, sampleRateHz: number): string | undefined {
  const rates = sampleRatesFor(format);
  if (rates.includes(sampleRateHz)) return undefined;
  return `${format} is offered at sample_rate ${rates.join(', ')} Hz, not ${String(sampleRateHz).slice(0, 12)}`;
}
