// The audio encoders module every door uses: one streaming shape for all formats, plus one-shot
// files. Import everything audio from here.
//
// | format | package                            | notes                                                  |
// | wav    | (built in)                         | RIFF PCM16; streamed with 0xFFFFFFFF "unknown" sizes   |
// | pcm    | (built in)                         | raw s16le mono at the model rate, no header            |
// | mp3    | @breezystack/lamejs (LAME, JS)     | 64 kbps CBR; LAME Info tag: decoders trim the delay    |
// | opus   | @evan/opus (libopus, WebAssembly)  | 32 kbps, 20 ms frames; Ogg pages written here          |
// | flac   | libflacjs (libFLAC, asm.js)        | level 5; streams use 1152-sample blocks                |
// | mulaw  | alawmulaw (G.711)                  | 8-bit, no header; doors default it to 8 kHz            |
// | alaw   | alawmulaw (G.711)                  | 8-bit, no header; doors default it to 8 kHz            |
// | pcm_f32le | (built in)                      | raw float32 little-endian, no header                   |
// Any format at another output rate: resampler.ts (SpeexDSP) converts before the encoder.
// aac is not offered: no maintained npm package encodes it without a system binary or ffmpeg.wasm.
import type { AudioFormat, StreamEncoder, StreamEncoderOptions } from './audio-format.js';
import { createFlacStreamEncoder, encodeFlac } from './flac-encoder.js';
import { createMp3StreamEncoder, encodeMp3 } from './mp3-encoder.js';
import { createOpusStreamEncoder } from './opus-encoder.js';
import {
  createPcmF32StreamEncoder,
  createPcmStreamEncoder,
  createWavStreamEncoder,
  encodeWav,
} from './wav-encoder.js';
import { floatToPcm16, pcm16Bytes } from './float-to-pcm16.js';
import { createG711StreamEncoder, encodeG711 } from './g711-encoder.js';
import { concatBytes, withResampler } from './resampling-encoder.js';
import { resample } from './resampler.js';

export type { AudioFormat, StreamEncoder, StreamEncoderOptions } from './audio-format.js';
export {
  AUDIO_FORMATS,
  contentTypeFor,
  defaultSampleRateFor,
  isAudioFormat,
  OUTPUT_SAMPLE_RATES_HZ,
  sampleRateProblem,
  sampleRatesFor,
} from './audio-format.js';
export { decodeG711, encodeG711 } from './g711-encoder.js';
export { createResampler, resample, RESAMPLER_QUALITY, type Resampler } from './resampler.js';
export { floatToPcm16, pcm16Bytes } from './float-to-pcm16.js';
export { encodeWav, wavHeader, WAV_HEADER_BYTES } from './wav-encoder.js';

const FACTORIES: Readonly<Record<AudioFormat, (options: StreamEncoderOptions) => StreamEncoder>> = {
  wav: createWavStreamEncoder,
  pcm: createPcmStreamEncoder,
  mp3: createMp3StreamEncoder,
  opus: createOpusStreamEncoder,
  flac: createFlacStreamEncoder,
  mulaw: (options) => createG711StreamEncoder('mulaw', options),
  alaw: (options) => createG711StreamEncoder('alaw', options),
  pcm_f32le: createPcmF32StreamEncoder,
};

function checkRate(rateHz: number, what: string): void {
  if (!Number.isInteger(rateHz) || rateHz <= 0) {
    throw new RangeError(`${what} must be a positive integer, not ${rateHz}`);
  }
}

/** A stream encoder: feed it chunks as they are synthesized, send what each call returns. */
export function createStreamEncoder(
  format: AudioFormat,
  options: StreamEncoderOptions,
): StreamEncoder {
  checkRate(options.sampleRateHz, 'sample rate');
  const outputRateHz = options.outputSampleRateHz ?? options.sampleRateHz;
  checkRate(outputRateHz, 'output sample rate');
  const factory = FACTORIES[format];
  if (!factory) throw new RangeError(`unknown audio format ${String(format)}`);
  if (outputRateHz === options.sampleRateHz) return factory(options);
  // The encoder works at the output rate; a flac length known up front is scaled with it.
  const totalSamples =
    options.totalSamples === undefined
      ? undefined
      : Math.ceil((options.totalSamples * outputRateHz) / options.sampleRateHz);
  const encoder = factory({ ...options, sampleRateHz: outputRateHz, totalSamples });
  return withResampler(encoder, options.sampleRateHz, outputRateHz);
}

/** One-shot: a complete file (WAV with exact sizes, FLAC with total samples, mp3 with a full Info tag). */
export function encodeAudio(
  format: AudioFormat,
  samples: Float32Array,
  sampleRateHz: number,
  outputSampleRateHz: number = sampleRateHz,
): Uint8Array {
  checkRate(sampleRateHz, 'sample rate');
  checkRate(outputSampleRateHz, 'output sample rate');
  return encodeAt(format, resample(samples, sampleRateHz, outputSampleRateHz), outputSampleRateHz);
}

function encodeAt(format: AudioFormat, samples: Float32Array, sampleRateHz: number): Uint8Array {
  switch (format) {
    case 'wav':
      return encodeWav(samples, sampleRateHz);
    case 'pcm':
      return pcm16Bytes(floatToPcm16(samples));
    case 'mp3':
      return encodeMp3(samples, { sampleRateHz });
    case 'flac':
      return encodeFlac(samples, sampleRateHz);
    case 'mulaw':
    case 'alaw':
      return encodeG711(format, samples);
    case 'pcm_f32le':
    case 'opus': {
      // Ogg/Opus is the same bytes streamed or not: its last page already carries the length.
      const encoder = createStreamEncoder(format, { sampleRateHz });
      return concatBytes([encoder.write(samples), encoder.end()]);
    }
  }
}
