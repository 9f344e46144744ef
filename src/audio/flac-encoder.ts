// FLAC through libflacjs (the reference libFLAC 1.3.4 compiled by emscripten; MIT). We use its
// asm.js build: its WebAssembly builds fetch() their .wasm by file path, which fails on Node ≥ 18.
// The build initialises asynchronously (a tick after import), hence the top-level await, after
// which every call is synchronous. A stream's STREAMINFO says "total samples unknown" (0), as
// libFLAC writes it to unseekable outputs; a one-shot file gets the count, frame sizes and MD5.
import Flac from 'libflacjs/dist/libflac.js';
import type { StreamMetadata } from 'libflacjs/dist/libflac.js';
import type { StreamEncoder, StreamEncoderOptions } from './audio-format.js';
import { contentTypeFor } from './audio-format.js';
import { Pcm16Scratch } from './float-to-pcm16.js';

if (!Flac.isReady()) await new Promise<void>((resolve) => Flac.on('ready', () => resolve()));

const COMPRESSION_LEVEL = 5; // libFLAC's default
/** Streams use short blocks (48 ms at 24 kHz): libFLAC holds back at most one block per write. */
export const FLAC_STREAM_BLOCK_SAMPLES = 1152;

const orphans = new FinalizationRegistry<number>((id) => Flac.FLAC__stream_encoder_delete(id));

interface FlacCoder {
  encoder: StreamEncoder;
  /** The STREAMINFO libFLAC reports at finish (it cannot seek back to write it). */
  finalInfo(): StreamMetadata | undefined;
}

function createFlacCoder(
  sampleRateHz: number,
  totalSamples: number,
  blockSamples: number,
): FlacCoder {
  if (!Number.isInteger(sampleRateHz) || sampleRateHz < 1 || sampleRateHz > 655350) {
    throw new RangeError(`flac cannot store a ${sampleRateHz} Hz sample rate`);
  }
  const created = Flac.create_libflac_encoder(
    sampleRateHz,
    1,
    16,
    COMPRESSION_LEVEL,
    totalSamples,
    false,
    blockSamples,
  );
  if (!created) throw new Error('libFLAC could not create an encoder');
  let id: number | undefined = created;
  const pending: Uint8Array[] = [];
  let info: StreamMetadata | undefined;
  const status = Flac.init_encoder_stream(
    id,
    (data: Uint8Array) => void pending.push(data),
    (meta) => void (info = meta),
  );
  if (status !== 0) {
    Flac.FLAC__stream_encoder_delete(id);
    throw new Error(`libFLAC encoder init failed (status ${status})`);
  }
  const pcm16 = new Pcm16Scratch();
  let pcm32 = new Int32Array(0); // libFLAC takes one int32 per sample

  const take = (): Uint8Array => {
    if (pending.length === 1) return pending.pop()!;
    const out = new Uint8Array(pending.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of pending) {
      out.set(p, offset);
      offset += p.length;
    }
    pending.length = 0;
    return out;
  };
  const release = (): void => {
    if (id === undefined) return;
    orphans.unregister(encoder);
    Flac.FLAC__stream_encoder_delete(id);
    id = undefined;
  };
  const encoder: StreamEncoder = {
    format: 'flac',
    contentType: contentTypeFor('flac'),
    write(samples) {
      if (id === undefined) throw new Error('flac stream already ended');
      if (samples.length === 0) return take(); // the stream header, on a first empty write
      if (pcm32.length < samples.length) {
        pcm32 = new Int32Array(Math.max(samples.length, pcm32.length * 2));
      }
      const block = pcm32.subarray(0, samples.length);
      block.set(pcm16.convert(samples));
      if (!Flac.FLAC__stream_encoder_process_interleaved(id, block, block.length)) {
        throw new Error(
          `libFLAC encoding failed (state ${Flac.FLAC__stream_encoder_get_state(id)})`,
        );
      }
      return take();
    },
    end() {
      if (id === undefined) return new Uint8Array(0);
      Flac.FLAC__stream_encoder_finish(id);
      release();
      return take();
    },
    close: release,
  };
  orphans.register(encoder, created, encoder);
  return { encoder, finalInfo: () => info };
}

export function createFlacStreamEncoder(options: StreamEncoderOptions): StreamEncoder {
  return createFlacCoder(options.sampleRateHz, options.totalSamples ?? 0, FLAC_STREAM_BLOCK_SAMPLES)
    .encoder;
}

/** A complete FLAC file: STREAMINFO with total samples, min/max frame sizes and the audio's MD5. */
export function encodeFlac(samples: Float32Array, sampleRateHz: number): Uint8Array {
  const coder = createFlacCoder(sampleRateHz, samples.length, 0);
  const head = coder.encoder.write(samples);
  const tail = coder.encoder.end();
  const file = new Uint8Array(head.length + tail.length);
  file.set(head);
  file.set(tail, head.length);
  const info = coder.finalInfo();
  // "fLaC", a 4-byte block header, then STREAMINFO: frame sizes at +4 and +7, MD5 at +18.
  const streaminfo = 8;
  if (info) {
    const view = new DataView(file.buffer, file.byteOffset);
    view.setUint16(streaminfo + 4, info.min_framesize >> 8);
    file[streaminfo + 6] = info.min_framesize & 0xff;
    view.setUint16(streaminfo + 7, info.max_framesize >> 8);
    file[streaminfo + 9] = info.max_framesize & 0xff;
    file.set(Buffer.from(info.md5sum, 'hex'), streaminfo + 18);
  }
  return file;
}
