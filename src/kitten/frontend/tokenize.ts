// Phonemes → model input_ids, as upstream `basic_english_tokenize` + `TextCleaner` + wrapping.
// The symbol strings are copied from their JSON-escaped form: the quotes are ASCII, the IPA
// string holds a combining U+0329 and two ASCII apostrophes, and later duplicates win.
import { PY_WHITESPACE_CLASS } from './chunk.js';

const PAD = '$';
const PUNCTUATION = ';:,.!?\u00a1\u00bf\u2014\u2026"\u00ab\u00bb"" ';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const LETTERS_IPA =
  "\u0251\u0250\u0252\u00e6\u0253\u0299\u03b2\u0254\u0255\u00e7\u0257\u0256\u00f0\u02a4\u0259\u0258\u025a\u025b\u025c\u025d\u025e\u025f\u0284\u0261\u0260\u0262\u029b\u0266\u0267\u0127\u0265\u029c\u0268\u026a\u029d\u026d\u026c\u026b\u026e\u029f\u0271\u026f\u0270\u014b\u0273\u0272\u0274\u00f8\u0275\u0278\u03b8\u0153\u0276\u0298\u0279\u027a\u027e\u027b\u0280\u0281\u027d\u0282\u0283\u0288\u02a7\u0289\u028a\u028b\u2c71\u028c\u0263\u0264\u028d\u03c7\u028e\u028f\u0291\u0290\u0292\u0294\u02a1\u0295\u02a2\u01c0\u01c1\u01c2\u01c3\u02c8\u02cc\u02d0\u02d1\u02bc\u02b4\u02b0\u02b1\u02b2\u02b7\u02e0\u02e4\u02de\u2193\u2191\u2192\u2197\u2198'\u0329'\u1d7b";

/** The 178 upstream symbol positions (index = id before de-duplication). */
export const SYMBOLS: readonly string[] = Object.freeze([
  PAD,
  ...PUNCTUATION,
  ...LETTERS,
  ...LETTERS_IPA,
]);

/** Symbol → id, built in order so a later duplicate overwrites: `"`→15, `'`→176. */
const SYMBOL_IDS: ReadonlyMap<string, number> = new Map(SYMBOLS.map((s, i) => [s, i]));

/** The id upstream appends before the final pad (`…`), since 0.8.1. */
export const END_ID = 10;
export const PAD_ID = 0;

// Python `re.findall(r"\w+|[^\w\s]")`: Python's \w is [\p{L}\p{N}_]; its \s is not JS's.
const TOKEN_RE = new RegExp(`[\\p{L}\\p{N}_]+|[^\\p{L}\\p{N}_${PY_WHITESPACE_CLASS}]`, 'gu');

/** Step A: words and single non-word chars joined by one space (`basic_english_tokenize`). */
export function retokenize(phonemes: string): string {
  return (phonemes.match(TOKEN_RE) ?? []).join(' ');
}

/** Step B: ids per code point; chars outside the table are dropped, their spaces stay. */
export function symbolsToIds(text: string): number[] {
  const ids: number[] = [];
  for (const ch of text) {
    const id = SYMBOL_IDS.get(ch);
    if (id !== undefined) ids.push(id);
  }
  return ids;
}

/** Phonemizer output → model input_ids: `[0] + ids + [10, 0]`. */
export function textToIds(phonemes: string): number[] {
  return [PAD_ID, ...symbolsToIds(retokenize(phonemes)), END_ID, PAD_ID];
}

/**
 * For each id textToIds(phonemes) makes, the UTF-16 offset in `phonemes` of the character it came
 * from, or -1 for the pads, the end mark and the spaces retokenize puts between tokens (word
 * timings map the model's per-token durations back to the phonemizer's words through this).
 */
export function idSources(phonemes: string): Int32Array {
  const sources: number[] = [-1];
  let first = true;
  for (const match of phonemes.matchAll(TOKEN_RE)) {
    if (!first) sources.push(-1);
    first = false;
    let offset = match.index;
    for (const ch of match[0]) {
      if (SYMBOL_IDS.has(ch)) sources.push(offset);
      offset += ch.length;
    }
  }
  sources.push(-1, -1);
  return Int32Array.from(sources);
}
