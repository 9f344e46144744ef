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
import { MarkupError, checkMarkup, findMarkup } from '../kitten/frontend/markup.js';
import { PauseTagError, pauseSamples, splitPauses } from '../kitten/pause-tags.js';

/** Most markups one request may hold. */
export const MAX_MARKUPS = 1000;

// Lower-case letters only, so normalization keeps it as it is and the chunker sees one word.
const PLACEHOLDER = /zqxj([a-j]+)zqxj/gu;
const placeholder = (k: number) =>
  `zqxj${[...String(k)].map((d) => String.fromCharCode(97 + Number(d))).join('')}zqxj`;
const indexOf = (letters: string) => Number([...letters].map((c) => c.charCodeAt(0) - 97).join(''));

function badRequest(err: unknown): never {
  if (err instanceof PauseTagError || err instanceof MarkupError) {
    throw new BadRequestError(err.message, 'invalid_text');
  }
  throw err;
}

/** The text with its markup swapped for placeholders, and the markup strings by placeholder index. */
function hideMarkup(text: string, hidden: string[]): string {
  let out = '';
  let last = 0;
  for (const m of findMarkup(text)) {
    checkMarkup(m.display, m.phonemes);
    if (hidden.length >= MAX_MARKUPS) {
      throw new MarkupError(`more than ${MAX_MARKUPS} phoneme markups in one request`);
    }
    out += `${text.slice(last, m.index)}${placeholder(hidden.length)}`;
    hidden.push(text.slice(m.index, m.index + m.length));
    last = m.index + m.length;
  }
  return out + text.slice(last);
}

export function planRequest(text: string, normalize: boolean, lexicon?: Lexicon): string[] {
  let pieces: ReturnType<typeof splitPauses>;
  const hidden: string[] = [];
  try {
    pieces = splitPauses(text).map((p) => ('text' in p ? { text: hideMarkup(p.text, hidden) } : p));
  } catch (err) {
    badRequest(err);
  }
  return pieces.flatMap((p) => {
    if (!('text' in p)) return (pauseSamples(p.pause) ?? 0) > 0 ? [p.pause] : [];
    return planChunks(p.text, { normalize }).map((chunk) => {
      const shown =
        hidden.length === 0
          ? chunk
          : chunk.replace(PLACEHOLDER, (all, k: string) => hidden[indexOf(k)] ?? all);
      return lexicon === undefined ? shown : lexicon.apply(shown);
    });
  });
}

/** The silence a planned chunk stands for when it is a pause tag (no worker runs it). */
export function silenceFor(chunk: string): Float32Array | undefined {
  const samples = pauseSamples(chunk);
  return samples === undefined ? undefined : new Float32Array(samples);
}
