// Pause tags: `[pause:0.5s]` or `[pause:250ms]` in the text inserts that much silence, exact to
// the sample at 24 kHz. The text is split at the tags before normalization (which would read
// "0.5s" aloud); each tag becomes a chunk of its own that no model runs: its audio is zeros.

/** Longest single pause. */
export const MAX_PAUSE_S = 10;
/** Most silence the tags of one request may add in all. */
export const MAX_TOTAL_PAUSE_S = 60;
export const PAUSE_SAMPLE_RATE_HZ = 24_000;

// Anything that starts like a pause tag, so a malformed one is refused rather than spoken.
const TAG_START = /\[\s*pause\s*:/gi;
const TAG = /^\[\s*pause\s*:\s*(\d+(?:\.\d+)?|\.\d+)\s*(s|ms)\s*\]$/i;

export class PauseTagError extends Error {
  override readonly name = 'PauseTagError';
}

export type TextPiece = { readonly text: string } | { readonly pause: string };

/** Samples of silence a chunk stands for, when it is a pause tag; undefined for text. */
export function pauseSamples(chunk: string): number | undefined {
  const m = TAG.exec(chunk);
  if (!m) return undefined;
  const seconds = m[2]!.toLowerCase() === 'ms' ? Number(m[1]) / 1000 : Number(m[1]);
  return Math.round(seconds * PAUSE_SAMPLE_RATE_HZ);
}

/** The text cut at its pause tags, in order; throws PauseTagError naming a bad or too long one. */
export function splitPauses(text: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  let last = 0;
  let totalSamples = 0;
  for (const m of text.matchAll(TAG_START)) {
    const start = m.index;
    if (start < last) continue;
    const close = text.indexOf(']', start);
    const tag = close < 0 ? text.slice(start, start + 24) : text.slice(start, close + 1);
    const samples = close < 0 || tag.length > 40 ? undefined : pauseSamples(tag);
    if (samples === undefined) {
      throw new PauseTagError(
        `bad pause tag '${tag.slice(0, 40)}': write [pause:0.5s] or [pause:500ms]`,
      );
    }
    if (samples > MAX_PAUSE_S * PAUSE_SAMPLE_RATE_HZ) {
      throw new PauseTagError(`pause tag '${tag}' is longer than ${MAX_PAUSE_S} s`);
    }
    totalSamples += samples;
    if (totalSamples > MAX_TOTAL_PAUSE_S * PAUSE_SAMPLE_RATE_HZ) {
      throw new PauseTagError(`the pause tags add more than ${MAX_TOTAL_PAUSE_S} s of silence`);
    }
    if (start > last) pieces.push({ text: text.slice(last, start) });
    pieces.push({ pause: tag });
    last = close + 1;
  }
  if (last < text.length || pieces.length === 0) pieces.push({ text: text.slice(last) });
  return pieces;
}
