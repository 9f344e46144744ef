// Ogg/Opus through @evan/opus (libopus compiled to WebAssembly, SIMD where available; instantiated
// synchronously, so no native build and no async setup). We import its WebAssembly build by path:
// the package root prefers a prebuilt native addon. (opusscript was rejected: its buffers detach
// when the shared WebAssembly heap grows, breaking every open stream when a new one starts.)
// 20 ms frames, partial frames carried across write() calls, our own Ogg pages (ogg-page-writer):
// OpusHead with libopus' pre-skip, OpusTags, then every write's packets on one page, the last
// page flagged end-of-stream with a granule position that trims the final frame's padding.
import { Encoder as OpusEncoder } from '@evan/opus/wasm/index.mjs';
import type { StreamEncoder, StreamEncoderOptions } from './audio-format.js';
import { contentTypeFor } from './audio-format.js';
import { Pcm16Scratch } from './float-to-pcm16.js';
import { OggPageWriter } from './ogg-page-writer.js';

export const DEFAULT_OPUS_BITRATE_KBPS = 32;
export const OPUS_SAMPLE_RATES_HZ: readonly number[] = [8000, 12000, 16000, 24000, 48000];
const FRAME_MS = 20;
/**
 * libopus' default complexity is 10; 5 halves the encoding cost (measured: ~110× instead of ~50×
 * real time in WebAssembly) for speech at these bitrates, and the encoder runs on the main thread.
 */
export const OPUS_COMPLEXITY = 5;
const OPUS_SET_BITRATE = 4002;
const OPUS_SET_COMPLEXITY = 4010;
const OPUS_SET_SIGNAL = 4024;
const OPUS_GET_LOOKAHEAD = 4027;
const OPUS_SIGNAL_VOICE = 3001;

function opusHead(sampleRateHz: number, preSkip48k: number): Uint8Array {
  const head = new Uint8Array(19);
  const view = new DataView(head.buffer);
  head.set(new TextEncoder().encode('OpusHead'));
  head[8] = 1; // version
  head[9] = 1; // channels
  view.setUint16(10, preSkip48k, true);
  view.setUint32(12, sampleRateHz, true); // the input rate, informational: Opus decodes at 48 kHz
  // output gain 0, channel mapping family 0 (mono/stereo)
  return head;
}

function opusTags(): Uint8Array {
  const vendor = new TextEncoder().encode('libopus (@evan/opus)');
  const tags = new Uint8Array(8 + 4 + vendor.length + 4);
  const view = new DataView(tags.buffer);
  tags.set(new TextEncoder().encode('OpusTags'));
  view.setUint32(8, vendor.length, true);
  tags.set(vendor, 12);
  view.setUint32(12 + vendor.length, 0, true); // no user comments
  return tags;
}

/** A libopus encoder for mono speech at the rate and bitrate asked (both checked first). */
function openLibopus(sampleRateHz: number, bitrateKbps = DEFAULT_OPUS_BITRATE_KBPS): OpusEncoder {
  if (!OPUS_SAMPLE_RATES_HZ.includes(sampleRateHz)) {
    throw new RangeError(
      `opus needs one of ${OPUS_SAMPLE_RATES_HZ.join(', ')} Hz, not ${sampleRateHz}`,
    );
  }
  if (!Number.isInteger(bitrateKbps) || bitrateKbps < 6 || bitrateKbps > 510) {
    throw new RangeError('opus bitrate must be an integer from 6 to 510 kbps');
  }
  const opus = new OpusEncoder({
    channels: 1,
    sample_rate: sampleRateHz,
    application: 'audio',
  });
  opus.ctl(OPUS_SET_BITRATE, bitrateKbps * 1000);
  opus.ctl(OPUS_SET_SIGNAL, OPUS_SIGNAL_VOICE);
  opus.ctl(OPUS_SET_COMPLEXITY, OPUS_COMPLEXITY);
  return opus;
}

export function createOpusStreamEncoder(options: StreamEncoderOptions): StreamEncoder {
  const { sampleRateHz } = options;
  let opus: OpusEncoder | undefined = openLibopus(sampleRateHz, options.bitrateKbps);
  // The encoder's lookahead (6.5 ms at every rate) is what decoders must skip: RFC 7845 pre-skip.
  const preSkipSamples = opus.ctl(OPUS_GET_LOOKAHEAD);
  const frameSamples = (sampleRateHz * FRAME_MS) / 1000;
  const to48k = 48000 / sampleRateHz;
  const preSkip48k = preSkipSamples * to48k;
  const frame = new Int16Array(frameSamples); // the partial frame carried between writes
  let framed = 0; // samples waiting in `frame`
  let encodedSamples = 0; // input-rate samples handed to libopus, padding included
  let inputSamples = 0; // samples the caller wrote
  const scratch = new Pcm16Scratch();
  const ogg = new OggPageWriter((Math.random() * 0x1_0000_0000) >>> 0);
  let headersWritten = false;

  const encodeFrame = (o: OpusEncoder): void => {
    const packet = o.encode(frame);
    encodedSamples += frameSamples;
    ogg.addPacket(packet, BigInt(encodedSamples * to48k));
    framed = 0;
  };
  const writeHeaders = (): void => {
    if (headersWritten) return;
    headersWritten = true;
    ogg.addHeaderPage(opusHead(sampleRateHz, preSkip48k));
    ogg.addHeaderPage(opusTags());
  };
  // libopus state lives on the WebAssembly heap: free it as soon as the stream is over (the
  // package's FinalizationRegistry frees streams a door drops without end() or close()).
  const release = (): void => {
    opus?.drop();
    opus = undefined;
  };

  return {
    format: 'opus',
    contentType: contentTypeFor('opus'),
    write(samples) {
      if (!opus) throw new Error('opus stream already ended');
      writeHeaders();
      const pcm = scratch.convert(samples);
      inputSamples += pcm.length;
      for (let offset = 0; offset < pcm.length;) {
        const n = Math.min(frameSamples - framed, pcm.length - offset);
        frame.set(pcm.subarray(offset, offset + n), framed);
        framed += n;
        offset += n;
        if (framed === frameSamples) encodeFrame(opus);
      }
      return ogg.take();
    },
    end() {
      if (!opus) return new Uint8Array(0);
      writeHeaders();
      // Pad with silence until libopus' lookahead has pushed the last real sample out.
      while (framed > 0 || encodedSamples < inputSamples + preSkipSamples) {
        frame.fill(0, framed);
        encodeFrame(opus);
      }
      // The end-trim: the decoder drops whatever lies past pre-skip + the real samples.
      ogg.setGranule(BigInt(preSkip48k + inputSamples * to48k));
      release();
      return ogg.take(true);
    },
    close: release,
  };
}
