// kitten/frontend/ is the text front-end: normalize.ts (and normalize/), chunk.ts, phonemize.ts
// (and phonemize/), tokenize.ts. It knows nothing of model files, downloads or inference.
//
// This file is the whole KittenTTS text front-end, as workers and the CLI use it:
// text → (normalize) → chunks → phonemes → input_ids, plus each chunk's style row.
//
// Bad input never throws; each case has a defined result (see test/kitten/frontend/frontend.test.ts):
// - empty or whitespace-only text → [] (upstream would have nothing to synthesize either);
// - text without letters ("...", "?!", "#") → chunks as upstream makes them: marks keep their ids,
//   symbols espeak reads aloud ("#" → "hash") become words;
// - control characters pass through as upstream passes them; espeak skips them, a NUL ends the text
//   it sees (Python's ctypes does the same), and they still count in the style row;
// - lone UTF-16 surrogates (which Python cannot even encode) become U+FFFD first;
// - very long text (100k chars) is chunked in linear time; a single "word" over 400 chars stays one
//   chunk, as upstream keeps it, and its style row clamps to rows - 1.
import { chunkText, codePointLength } from './chunk.js';
import { normalizeText } from './normalize.js';
import type { Phonemizer } from './phonemize.js';
import { textToIds } from './tokenize.js';

export interface FrontendChunk {
  /** The exact string sent to the model (after chunking and ensure_punctuation). */
  text: string;
  /** Row of the voice's style table: min(code points of `text`, rows - 1). */
  styleRow: number;
  /** Phonemizer output before re-tokenizing. */
  phonemes: string;
  inputIds: number[];
}

export interface FrontendOptions {
  /** Run the text normalizer first (upstream `clean_text`). Default true. */
  normalize?: boolean;
  /** Normalize exactly as upstream does, quirks included. Default false. */
  strict?: boolean;
  /** Rows of the voice style table (400 for the 0.8 models). */
  styleRows?: number;
}

export const DEFAULT_FRONTEND_OPTIONS: Required<FrontendOptions> = Object.freeze({
  normalize: true,
  strict: false,
  styleRows: 400,
});

export function resolveFrontendOptions(options: FrontendOptions = {}): Required<FrontendOptions> {
  const resolved = { ...DEFAULT_FRONTEND_OPTIONS, ...options };
  if (!Number.isSafeInteger(resolved.styleRows) || resolved.styleRows < 1) {
    throw new RangeError(`styleRows must be a positive integer, got ${resolved.styleRows}`);
  }
  return resolved;
}

/** min(code points, rows - 1): upstream `min(len(chunk), rows - 1)` with Python's `len`. */
export function styleRowFor(chunkText: string, rows: number): number {
  return Math.min(codePointLength(chunkText), rows - 1);
}

// With the u flag a paired surrogate is one astral code point, so only lone halves match.
const LONE_SURROGATE = /\p{Cs}/gu;

/**
 * The exact strings the model will get, in order: text → (normalize) → chunk_text. Pure and cheap
 * (no phonemizer), so the gateway cuts a long text into one job per chunk before any worker sees it.
 */
export function planChunks(
  text: string,
  options?: Pick<FrontendOptions, 'normalize' | 'strict'>,
): string[] {
  const { normalize, strict } = resolveFrontendOptions(options);
  const wellFormed = text.replace(LONE_SURROGATE, '\uFFFD');
  return chunkText(normalize ? normalizeText(wellFormed, { strict }) : wellFormed);
}

/** One planned chunk through the phonemizer and the symbol table. */
export async function frontendChunk(
  chunk: string,
  phonemizer: Phonemizer,
  styleRows = DEFAULT_FRONTEND_OPTIONS.styleRows,
): Promise<FrontendChunk> {
  const phonemes = await phonemizer.phonemize(chunk);
  return {
    text: chunk,
    styleRow: styleRowFor(chunk, styleRows),
    phonemes,
    inputIds: textToIds(phonemes),
  };
}

export async function runFrontend(
  text: string,
  phonemizer: Phonemizer,
  options?: FrontendOptions,
): Promise<FrontendChunk[]> {
  const { styleRows } = resolveFrontendOptions(options);
  const chunks: FrontendChunk[] = [];
  for (const chunk of planChunks(text, options))
    chunks.push(await frontendChunk(chunk, phonemizer, styleRows));
  return chunks;
}
