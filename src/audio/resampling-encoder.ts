// A stream encoder at another output rate: each write() is resampled (filter state carried from
// one chunk to the next, so chunks join without clicks) before the format's own encoder; end()
// flushes the resampler's tail through the encoder, then finishes it.
import type { StreamEncoder } from './audio-format.js';
import { createResampler } from './resampler.js';

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const nonEmpty = parts.filter((p) => p.length > 0);
  if (nonEmpty.length <= 1) return nonEmpty[0] ?? new Uint8Array(0);
  const out = new Uint8Array(nonEmpty.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of nonEmpty) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function withResampler(
  encoder: StreamEncoder,
  inputRateHz: number,
  outputRateHz: number,
): StreamEncoder {
  const resampler = createResampler(inputRateHz, outputRateHz);
  let open = true;
  return {
    format: encoder.format,
    contentType: encoder.contentType,
    write(samples) {
      if (!open) throw new Error(`${encoder.format} stream already ended`);
      return encoder.write(resampler.process(samples));
    },
    end() {
      if (!open) return new Uint8Array(0);
      open = false;
      const tail = resampler.flush();
      return concatBytes([tail.length ? encoder.write(tail) : new Uint8Array(0), encoder.end()]);
    },
    close() {
      open = false;
      resampler.close();
      encoder.close();
    },
  };
}
