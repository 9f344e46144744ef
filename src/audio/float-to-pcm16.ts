// Float32 model output → signed 16-bit PCM, the one conversion every format starts from.
// Clip to [-1, 1], scale by 32767, round; no per-chunk normalization, so the loudness of a stream
// never jumps between sentences.

/** Converts into `out` (which must be at least as long as `samples`); returns `out`. */
export function floatToPcm16Into(samples: Float32Array, out: Int16Array): Int16Array {
  const length = samples.length;
  for (let i = 0; i < length; i++) {
    const s = samples[i]!;
    // Math.floor(v + 0.5) is Math.round(v) here (v = float32 × 32767 is exact in a double, and no
    // v lies within 2^-54 of a half), at a quarter of its cost in V8: this loop runs on the main
    // thread for every chunk of every answer. NaN stays NaN, which Int16Array stores as 0.
    out[i] = Math.floor((s > 1 ? 1 : s < -1 ? -1 : s) * 32767 + 0.5);
  }
  return out;
}

export function floatToPcm16(samples: Float32Array): Int16Array {
  return floatToPcm16Into(samples, new Int16Array(samples.length));
}

/** The little-endian bytes of 16-bit samples (a view, no copy: every platform Node runs on is LE). */
export function pcm16Bytes(pcm: Int16Array): Uint8Array {
  return new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
}

/** A reusable Int16 scratch buffer that grows to the largest chunk seen, to keep writes allocation-light. */
export class Pcm16Scratch {
  private buf = new Int16Array(0);

  convert(samples: Float32Array): Int16Array {
    if (this.buf.length < samples.length)
      this.buf = new Int16Array(Math.max(samples.length, this.buf.length * 2));
    return floatToPcm16Into(samples, this.buf.subarray(0, samples.length));
  }
}
