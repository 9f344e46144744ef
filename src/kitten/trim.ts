// Upstream's per-chunk audio post-processing: drop the last 5000 samples of every chunk's waveform
// and join chunks with no crossfade, no gap and no per-chunk normalization (as upstream's onnx_model.py).

/** Samples upstream (≥ 0.8) drops from the end of every chunk (≈ 0.208 s at 24 kHz). */
export const TRIM_TAIL_SAMPLES = 5000;

/** waveform[..., :-5000] with Python slice semantics: a waveform of ≤ 5000 samples becomes empty. */
export function trimChunk(waveform: Float32Array): Float32Array {
  return waveform.subarray(0, Math.max(0, waveform.length - TRIM_TAIL_SAMPLES));
}

/** np.concatenate of the trimmed chunks into one freshly allocated (transferable) buffer. */
export function concatChunks(chunks: readonly Float32Array[]): Float32Array {
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = new Float32Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
