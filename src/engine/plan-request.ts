// A request's text as the engine's jobs: pause tags cut out first (kitten/pause-tags.ts), each
// stretch of text between them planned into model chunks as upstream plans them, each tag a chunk
// of its own whose audio is silence. Text without tags plans exactly as before.
import { BadRequestError } from '../errors.js';
import { planChunks } from '../kitten/frontend/frontend.js';
import { PauseTagError, pauseSamples, splitPauses } from '../kitten/pause-tags.js';

export function planRequest(text: string, normalize: boolean): string[] {
  let pieces: ReturnType<typeof splitPauses>;
  try {
    pieces = splitPauses(text);
  } catch (err) {
    if (err instanceof PauseTagError) throw new BadRequestError(err.message, 'invalid_text');
    throw err;
  }
  return pieces.flatMap((p) => {
    if ('text' in p) return planChunks(p.text, { normalize });
    return (pauseSamples(p.pause) ?? 0) > 0 ? [p.pause] : [];
  });
}

/** The silence a planned chunk stands for when it is a pause tag (no worker runs it). */
export function silenceFor(chunk: string): Float32Array | undefined {
  const samples = pauseSamples(chunk);
  return samples === undefined ? undefined : new Float32Array(samples);
}
