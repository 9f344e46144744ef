// The audio encoders module every door uses: one streaming shape for all formats, plus one-shot
// files. Import everything audio from here.
//
// | format | package                            | notes                                                  |
// | wav    | (built in)                         | RIFF PCM16; streamed with 0xFFFFFFFF "unknown" sizes   |
// | pcm    | (built in)                         | raw s16le mono at the model rate, no header            |
// | mp3    | @breezystack/lamejs (LAME, JS)     | 64 kbps CBR; LAME Info tag: decoders trim the delay    |
// | opus   | @evan/opus (libopus, WebAssembly)  | 32 kbps, 20 ms frames; Ogg pages written here          |
// | flac   | libflacjs (libFLAC, asm.js)        | level 5; streams use 1152-sample blocks                |
// aac is not offered: no maintained npm package encodes it without a system binary or ffmpeg.wasm.
import type { AudioFormat, StreamEncoder, StreamEncoderOptions } from './audio-format.js';
import { createFlacStreamEncoder, encodeFlac } from './flac-encoder.js';
import { createMp3StreamEncoder, encodeMp3 } from './mp3-encoder.js';
import { createOpusStreamEncoder } from './opus-encoder.js';
import { createPcmStreamEncoder, createWavStreamEncoder, encodeWav } from './wav-encoder.js';
import { floatToPcm16, pcm16Bytes } from './float-to-pcm16.js';

export type { AudioFormat, StreamEncoder, StreamEncoderOptions } from './audio-format.js';
export { AUDIO_FORMATS, contentTypeFor, isAudioFormat } from './audio-format.js';
export { floatToPcm16, pcm16Bytes } from './float-to-pcm16.js';
export { encodeWav, wavHeader, WAV_HEADER_BYTES } from './wav-encoder.js';

const FACTORIES: Readonly<Record<AudioFormat, (options: StreamEncoderOptions) => StreamEncoder>> = {
  wav: createWavStreamEncoder,
  pcm: createPcmStreamEncoder,
  mp3: createMp3StreamEncoder,
  opus: createOpusStreamEncoder,
  flac: createFlacStreamEncoder,
};

/** A stream encoder: feed it chunks as they are synthesized, send what each call returns. */
export function createStreamEncoder(
  format: AudioFormat,
  options: StreamEncoderOptions,
): StreamEncoder {
  if (!Number.isInteger(options.sampleRateHz) || options.sampleRateHz <= 0) {
    throw new RangeError(`sample rate must be a positive integer, not ${options.sampleRateHz}`);
  }
  const factory = FACTORIES[format];
  if (!factory) throw new RangeError(`unknown audio format ${String(format)}`);
  return factory(options);
}

/** One-shot: a complete file (WAV with exact sizes, FLAC with total samples, mp3 with a full Info tag). */
export function encodeAudio(
  format: AudioFormat,
  samples: Float32Array,
  sampleRateHz: number,
): Uint8Array {
  switch (format) {
    case 'wav':
      return encodeWav(samples, sampleRateHz);
    case 'pcm':
      return pcm16Bytes(floatToPcm16(samples));
    case 'mp3':
      return encodeMp3(samples, { sampleRateHz });
    case 'flac':
      return encodeFlac(samples, sampleRateHz);
    case 'opus': {
      // Ogg/Opus is the same bytes streamed or not: its last page already carries the length.
      const encoder = createStreamEncoder(format, { sampleRateHz });
      const head = encoder.write(samples);
      const tail = encoder.end();
      const out = new Uint8Array(head.length + tail.length);
      out.set(head);
      out.set(tail, head.length);
      return out;
    }
  }
}
