// A request's text as the engine's jobs: pause tags cut out first (kitten/pause-tags.ts), each
// stretch of text between them planned into model chunks as upstream plans them, each tag a chunk
// of its own whose audio is silence. Text without tags plans exactly as before.
//
// Phoneme markup `[word](/phonemes/)` is validated here (a 400 before any worker runs), then hidden
// from the normalizer and the chunker behind a one-word placeholder, so neither rewrites it nor
// cuts inside it, and put back in the planned chunk; lexicon hits are then written as markup. The
// worker strips it (kitten/marked-frontend.ts). Text without markup or hits plans as before.
import { BadRequestError } from '../errors.js';
import { planChunks } from '../kitten/frontend/frontend.js';
import type { Lexicon } from '../kitten/frontend/lexicon.js';
import {
  MarkupError,
  checkMarkup,
  hideMarkup,
  type HiddenMarkup,
  type MarkupMatch,
} from '../kitten/frontend/markup.js';
import { PauseTagError, pauseSamples, splitPauses } from '../kitten/pause-tags.js';

/** Most markups one request may hold. */
export const MAX_MARKUPS = 1000;

function badRequest(err: unknown): never {
  if (err instanceof PauseTagError || err instanceof MarkupError) {
    throw new BadRequestError(err.message, 'invalid_text');
  }
  throw err;
}

export function planRequest(text: string, normalize: boolean, lexicon?: Lexicon): string[] {
  let pieces: Array<{ pause: string } | HiddenMarkup>;
  let markups = 0;
  const check = (m: MarkupMatch) => {
    checkMarkup(m.display, m.phonemes);
    if (++markups > MAX_MARKUPS) {
      throw new MarkupError(`more than ${MAX_MARKUPS} phoneme markups in one request`);
    }
  };
  try {
    pieces = splitPauses(text).map((p) => ('text' in p ? hideMarkup(p.text, check) : p));
  } catch (err) {
    badRequest(err);
  }
  return pieces.flatMap((p) => {
    if ('pause' in p) return (pauseSamples(p.pause) ?? 0) > 0 ? [p.pause] : [];
    return planChunks(p.text, { normalize }).map((chunk) => {
      const shown = p.restore(chunk);
      return lexicon === undefined ? shown : lexicon.apply(shown);
    });
  });
}

/** The silence a planned chunk stands for when it is a pause tag (no worker runs it). */
export function silenceFor(chunk: string): Float32Array | undefined {
  const samples = pauseSamples(chunk);
  return samples === undefined ? undefined : new Float32Array(samples);
}
