// MP3 through @breezystack/lamejs (LAME 3.98 ported to plain JavaScript, so no binary and a
// synchronous API). LAME adds 576 samples of encoder delay and pads the last frame; without a
// LAME "Info" tag saying so, every decoder plays that as ~50 ms of extra audio. So the first frame
// of every file or stream is an Info tag: one-shot files carry delay, padding and frame count
// (gapless, exact length); a stream carries the delay only, since its end is not known yet.
// LAME's flush may add a frame holding nothing but padding; we drop such frames (lamejs disables
// the bit reservoir, so frames never borrow bits from later ones and a trailing frame is free to
// go), which keeps even a stream within one frame of the true length.
import { Mp3Encoder } from '@breezystack/lamejs';
import type { StreamEncoder, StreamEncoderOptions } from './audio-format.js';
import { contentTypeFor } from './audio-format.js';
import { Pcm16Scratch } from './float-to-pcm16.js';
import {
  buildInfoTagFrame,
  countMp3Frames,
  LAME_ENCODER_DELAY_SAMPLES,
  parseMp3Header,
} from './mp3-info-tag.js';

export const DEFAULT_MP3_BITRATE_KBPS = 64;
export const MIN_MP3_BITRATE_KBPS = 32; // below this an MPEG-2 frame is too small to hold the Info tag
export const MAX_MP3_BITRATE_KBPS = 320;

function resolveBitrateKbps(bitrateKbps: number | undefined): number {
  const kbps = bitrateKbps ?? DEFAULT_MP3_BITRATE_KBPS;
  if (!Number.isInteger(kbps) || kbps < MIN_MP3_BITRATE_KBPS || kbps > MAX_MP3_BITRATE_KBPS) {
    throw new RangeError(
      `mp3 bitrate must be an integer from ${MIN_MP3_BITRATE_KBPS} to ${MAX_MP3_BITRATE_KBPS} kbps`,
    );
  }
  return kbps; // LAME snaps a rate its MPEG version lacks to the nearest one it has
}

const EMPTY = new Uint8Array(0);
// lamejs returns Int8Array (its typings say Uint8Array): view the same bytes unsigned.
const asBytes = (a: ArrayBufferView): Uint8Array =>
  new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** The first `frames` frames of headerless mp3 data. */
function firstFrames(data: Uint8Array, frames: number): Uint8Array {
  let offset = 0;
  for (let i = 0; i < frames && offset < data.length; i++) {
    offset += parseMp3Header(data, offset).frameBytes;
  }
  return data.subarray(0, offset);
}

/** Frames a decoder needs to output every input sample after LAME's delay plus its own 529. */
function framesNeeded(inputSamples: number, samplesPerFrame: number): number {
  return Math.ceil((inputSamples + LAME_ENCODER_DELAY_SAMPLES + 529) / samplesPerFrame);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export function createMp3StreamEncoder(options: StreamEncoderOptions): StreamEncoder {
  let lame: Mp3Encoder | undefined = new Mp3Encoder(
    1,
    options.sampleRateHz,
    resolveBitrateKbps(options.bitrateKbps),
  );
  const scratch = new Pcm16Scratch();
  let tagSent = false;
  let inputSamples = 0;
  let framesSent = 0;
  let samplesPerFrame = 0;
  // The tag copies the first audio frame's header, so it goes out with the first frame.
  const send = (frames: Uint8Array): Uint8Array => {
    if (frames.length === 0) return frames;
    framesSent += countMp3Frames(frames);
    if (tagSent) return frames;
    tagSent = true;
    const header = parseMp3Header(frames, 0);
    samplesPerFrame = header.samplesPerFrame;
    return concat(buildInfoTagFrame(header), frames);
  };
  return {
    format: 'mp3',
    contentType: contentTypeFor('mp3'),
    write(samples) {
      if (!lame) throw new Error('mp3 stream already ended');
      if (samples.length === 0) return EMPTY;
      inputSamples += samples.length;
      return send(asBytes(lame.encodeBuffer(scratch.convert(samples))));
    },
    end() {
      if (!lame) return EMPTY;
      const last = asBytes(lame.flush());
      lame = undefined;
      if (last.length === 0) return send(last);
      const perFrame = samplesPerFrame || parseMp3Header(last, 0).samplesPerFrame;
      return send(firstFrames(last, framesNeeded(inputSamples, perFrame) - framesSent));
    },
    close() {
      lame = undefined; // pure JavaScript: the garbage collector frees it
    },
  };
}

/** A complete mp3 file whose Info tag lets decoders trim it to exactly `samples.length`. */
export function encodeMp3(samples: Float32Array, options: StreamEncoderOptions): Uint8Array {
  const lame = new Mp3Encoder(1, options.sampleRateHz, resolveBitrateKbps(options.bitrateKbps));
  const encoded = concat(
    asBytes(lame.encodeBuffer(new Pcm16Scratch().convert(samples))),
    asBytes(lame.flush()),
  );
  if (encoded.length === 0) return encoded;
  const header = parseMp3Header(encoded, 0);
  const body = firstFrames(encoded, framesNeeded(samples.length, header.samplesPerFrame));
  const frames = countMp3Frames(body);
  const paddingSamples =
    frames * header.samplesPerFrame - samples.length - LAME_ENCODER_DELAY_SAMPLES;
  const tag = buildInfoTagFrame(header, { frames, audioBytes: body.length, paddingSamples });
  return concat(tag, body);
}
