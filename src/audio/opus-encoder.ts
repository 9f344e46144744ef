// Ogg/Opus through opusscript (libopus 1.4 compiled to WebAssembly; synchronous, no native build).
// 20 ms frames, partial frames carried across write() calls, our own Ogg pages (ogg-page-writer):
// OpusHead with libopus' pre-skip, OpusTags, then every write's packets on one page, the last
// page flagged end-of-stream with a granule position that trims the final frame's padding.
import OpusScript from 'opusscript';
import type { StreamEncoder, StreamEncoderOptions } from './audio-format.js';
import { contentTypeFor } from './audio-format.js';
import { Pcm16Scratch } from './float-to-pcm16.js';
import { OggPageWriter } from './ogg-page-writer.js';

export const DEFAULT_OPUS_BITRATE_KBPS = 32;
export const OPUS_SAMPLE_RATES_HZ: readonly number[] = [8000, 12000, 16000, 24000, 48000];
/** libopus' encoder lookahead in 48 kHz samples at every rate (2.5 ms + 4 ms delay compensation). */
export const OPUS_PRE_SKIP_48K = 312;
const FRAME_MS = 20;
const OPUS_SET_SIGNAL = 4024;
const OPUS_SIGNAL_VOICE = 3001;

// libopus state lives on the WebAssembly heap: if a door drops a stream without end() or close(),
// free it when the encoder object is collected.
const orphans = new FinalizationRegistry<OpusScript>((opus) => opus.delete());

function opusHead(sampleRateHz: number): Uint8Array {
  const head = new Uint8Array(19);
  const view = new DataView(head.buffer);
  head.set(new TextEncoder().encode('OpusHead'));
  head[8] = 1; // version
  head[9] = 1; // channels
  view.setUint16(10, OPUS_PRE_SKIP_48K, true);
  view.setUint32(12, sampleRateHz, true); // the input rate, informational: Opus decodes at 48 kHz
  // output gain 0, channel mapping family 0 (mono/stereo)
  return head;
}

function opusTags(): Uint8Array {
  const vendor = new TextEncoder().encode('libopus 1.4 (opusscript)');
  const tags = new Uint8Array(8 + 4 + vendor.length + 4);
  const view = new DataView(tags.buffer);
  tags.set(new TextEncoder().encode('OpusTags'));
  view.setUint32(8, vendor.length, true);
  tags.set(vendor, 12);
  view.setUint32(12 + vendor.length, 0, true); // no user comments
  return tags;
}

export function createOpusStreamEncoder(options: StreamEncoderOptions): StreamEncoder {
  const { sampleRateHz } = options;
  if (!OPUS_SAMPLE_RATES_HZ.includes(sampleRateHz)) {
    throw new RangeError(
      `opus needs one of ${OPUS_SAMPLE_RATES_HZ.join(', ')} Hz, not ${sampleRateHz}`,
    );
  }
  const bitrateKbps = options.bitrateKbps ?? DEFAULT_OPUS_BITRATE_KBPS;
  if (!Number.isInteger(bitrateKbps) || bitrateKbps < 6 || bitrateKbps > 510) {
    throw new RangeError('opus bitrate must be an integer from 6 to 510 kbps');
  }
  let opus: OpusScript | undefined = new OpusScript(
    sampleRateHz as 24000,
    1,
    OpusScript.Application.AUDIO,
  );
  opus.setBitrate(bitrateKbps * 1000);
  opus.encoderCTL(OPUS_SET_SIGNAL, OPUS_SIGNAL_VOICE);

  const frameSamples = (sampleRateHz * FRAME_MS) / 1000;
  const to48k = 48000 / sampleRateHz;
  const preSkipSamples = OPUS_PRE_SKIP_48K / to48k;
  const frame = new Int16Array(frameSamples); // the partial frame carried between writes
  const frameBytes = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  let framed = 0; // samples waiting in `frame`
  let encodedSamples = 0; // input-rate samples handed to libopus, padding included
  let inputSamples = 0; // samples the caller wrote
  const scratch = new Pcm16Scratch();
  const ogg = new OggPageWriter((Math.random() * 0x1_0000_0000) >>> 0);
  let headersWritten = false;

  const encodeFrame = (o: OpusScript): void => {
    const packet = o.encode(frameBytes, frameSamples);
    encodedSamples += frameSamples;
    ogg.addPacket(packet, BigInt(encodedSamples * to48k));
    framed = 0;
  };
  const writeHeaders = (): void => {
    if (headersWritten) return;
    headersWritten = true;
    ogg.addHeaderPage(opusHead(sampleRateHz));
    ogg.addHeaderPage(opusTags());
  };
  const release = (): void => {
    if (!opus) return;
    orphans.unregister(encoder);
    opus.delete();
    opus = undefined;
  };

  const encoder: StreamEncoder = {
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
      ogg.setGranule(BigInt(OPUS_PRE_SKIP_48K + inputSamples * to48k));
      release();
      return ogg.take(true);
    },
    close: release,
  };
  orphans.register(encoder, opus, encoder);
  return encoder;
}
