// Upstream KittenTTS (main@9f3e0d8) `chunk_text`: sentence split that skips abbreviations,
// decimals and a.m./p.m., then ≤400-character word-split pieces, each through `ensure_punctuation`.
// These strings go to the model verbatim (their length picks the style row), so this stays exact.

export const MAX_CHUNK_CHARS = 400;

/**
 * Python's `\s` / `str.isspace()` set. JS `\s` differs (it lacks \x1c-\x1f and \x85 and adds
 * \ufeff), and `strip()`/`split()` upstream use Python's, so every whitespace rule here uses this.
 */
export const PY_WHITESPACE_CLASS =
  '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

const PY_SPACE = new RegExp(`[${PY_WHITESPACE_CLASS}]`);
const PY_SPACE_RUN = new RegExp(`[${PY_WHITESPACE_CLASS}]+`);
const PY_STRIP = new RegExp(`^[${PY_WHITESPACE_CLASS}]+|[${PY_WHITESPACE_CLASS}]+$`, 'g');

/** Lower-cased letter runs before a `.` that do not end a sentence (upstream's list). */
const NON_TERMINAL_ABBREVIATIONS = new Set([
  'dr', 'prof', 'mr', 'mrs', 'ms', 'fig', 'figs', 'pp', 'p', 'ch', 'sec',
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'al',
]); // prettier-ignore

// `\b[ap]\.m` at the end of the text before the dot; Python's `\b` is Unicode-aware, JS's is not.
const AM_PM_BEFORE = /(?<![\p{L}\p{N}_])[ap]\.m$/iu;
// Python `str.isupper()` on one character: the derived Uppercase property.
const STARTS_UPPER = /^\p{Uppercase}/u;

/** Python `str.strip()` (no arguments). */
export function pyStrip(s: string): string {
  return s.replace(PY_STRIP, '');
}

/** Python `len`: code points, not UTF-16 units. */
export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A high surrogate followed by a low one is a single code point; lone surrogates count as one.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

function isAsciiLetter(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

function isAsciiDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** Upstream boundary rule for the char at index i (must be . ! or ?), given the whole text. */
export function isSentenceBoundary(text: string, i: number): boolean {
  const ch = text[i];
  if (ch !== '.' && ch !== '!' && ch !== '?') return false;
  const next = text[i + 1];
  if (next !== undefined && !PY_SPACE.test(next)) return false;
  if (ch !== '.') return true;
  if (isAsciiDigit(text[i - 1]) && isAsciiDigit(next)) return false;
  let start = i;
  while (start > 0 && isAsciiLetter(text[start - 1])) start--;
  const run = text.slice(start, i).toLowerCase();
  if (NON_TERMINAL_ABBREVIATIONS.has(run)) return false;
  if ((run === 'a' || run === 'p') && (next === 'm' || next === 'M')) return false;
  // A 5-unit window holds "?a.m" with a surrogate pair before it, and keeps long texts linear.
  if (run === 'm' && AM_PM_BEFORE.test(text.slice(Math.max(0, i - 5), i))) {
    // "at 10 a.m. on Monday" continues; "at 10 a.m. The next day" ends a sentence.
    let j = i + 1;
    while (j < text.length && PY_SPACE.test(text[j]!)) j++;
    return j === text.length || STARTS_UPPER.test(text.slice(j, j + 2));
  }
  return true;
}

/** Strip; a non-empty result not ending in . ! ? , ; : gets a comma (upstream `ensure_punctuation`). */
export function ensurePunctuation(s: string): string {
  const t = pyStrip(s);
  if (t === '') return t;
  return '.!?,;:'.includes(t[t.length - 1]!) ? t : `${t},`;
}

/** Sentences in order, each keeping its terminator, stripped, empties skipped. */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (!isSentenceBoundary(text, i)) continue;
    const sentence = pyStrip(text.slice(start, i + 1));
    if (sentence !== '') sentences.push(sentence);
    start = i + 1;
  }
  const tail = pyStrip(text.slice(start));
  if (tail !== '') sentences.push(tail);
  return sentences;
}

/** Sentences then ≤maxLen word-split pieces, each through ensurePunctuation (the strings sent to the model). */
export function chunkText(text: string, maxLen: number = MAX_CHUNK_CHARS): string[] {
  const chunks: string[] = [];
  for (const sentence of splitSentences(text)) {
    if (codePointLength(sentence) <= maxLen) {
      chunks.push(ensurePunctuation(sentence));
      continue;
    }
    // Greedy word packing; a single word longer than maxLen becomes its own (long) chunk.
    let current = '';
    let currentLen = 0;
    for (const word of sentence.split(PY_SPACE_RUN)) {
      if (word === '') continue;
      const wordLen = codePointLength(word);
      if (currentLen + wordLen + 1 <= maxLen) {
        currentLen += current === '' ? wordLen : wordLen + 1;
        current = current === '' ? word : `${current} ${word}`;
      } else {
        if (current !== '') chunks.push(ensurePunctuation(current));
        current = word;
        currentLen = wordLen;
      }
    }
    if (current !== '') chunks.push(ensurePunctuation(current));
  }
  return chunks;
}
