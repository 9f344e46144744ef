// G.711 μ-law and A-law (the telephony codecs: one byte per sample, no header) through alawmulaw
// (MIT, no dependencies; the classic Sun/CCITT reference algorithms, tested here against the ITU
// G.711 tables). The samples are first rounded to 16-bit PCM like every other format.
import alawmulaw from 'alawmulaw';
import type { StreamEncoder, StreamEncoderOptions } from './audio-format.js';
import { contentTypeFor } from './audio-format.js';
import { floatToPcm16, Pcm16Scratch } from './float-to-pcm16.js';

export type G711Law = 'mulaw' | 'alaw';

/** One-shot: G.711 bytes for float samples (clipped to [-1, 1]). */
export function encodeG711(law: G711Law, samples: Float32Array): Uint8Array {
  return alawmulaw[law].encode(floatToPcm16(samples));
}

/** 16-bit PCM back from G.711 bytes (for tests and clients that want to check what they got). */
export function decodeG711(law: G711Law, bytes: Uint8Array): Int16Array {
  return alawmulaw[law].decode(bytes);
}

export function createG711StreamEncoder(
  law: G711Law,
  _options: StreamEncoderOptions,
): StreamEncoder {
  const scratch = new Pcm16Scratch();
  let ended = false;
  return {
    format: law,
    contentType: contentTypeFor(law),
    write(samples) {
      if (ended) throw new Error(`${law} stream already ended`);
      return alawmulaw[law].encode(scratch.convert(samples));
    },
    end() {
      ended = true;
      return new Uint8Array(0);
    },
    close() {
      ended = true;
    },
  };
}
