// Word-level helpers for the segmenter: counting, dropping and re-joining whitespace-separated words,
// and breaking runs that have no whitespace at all. Whitespace is Python's, as in the chunker.
import { PY_WHITESPACE_CLASS } from '../kitten/frontend/chunk.js';

const WORD = new RegExp(`[^${PY_WHITESPACE_CLASS}]+`, 'gu');
/** One Python whitespace character. */
export const PY_SPACE_CHAR = new RegExp(`^[${PY_WHITESPACE_CLASS}]$`, 'u');

export function wordCount(text: string): number {
  return text.match(WORD)?.length ?? 0;
}

/** Words joined with single spaces, as upstream joins the pieces of a long sentence. */
export function joinWords(text: string): string {
  return text.match(WORD)?.join(' ') ?? '';
}

/** The text after its first `count` words (whatever follows the last of them is kept). */
export function dropWords(text: string, count: number): string {
  if (count <= 0) return text;
  WORD.lastIndex = 0;
  let end = 0;
  for (let n = 0; n < count; n++) {
    const m = WORD.exec(text);
    if (!m) return '';
    end = m.index + m[0].length;
  }
  WORD.lastIndex = 0;
  return text.slice(end);
}

/**
 * Inserts a space after every `maxChars` code points of a whitespace-free run longer than that.
 * The cut points depend only on where a run starts, so a run that grows across calls is cut at the
 * same places as the whole run at once. `firstBreak` is the index of the first inserted space, or -1.
 */
export function breakOverlongRuns(
  text: string,
  maxChars: number,
): { text: string; firstBreak: number } {
  if (text.length <= maxChars) return { text, firstBreak: -1 };
  let out = '';
  let last = 0;
  let firstBreak = -1;
  for (const m of text.matchAll(WORD)) {
    const run = m[0];
    if (run.length <= maxChars) continue; // fewer code units than the limit: fewer code points too
    const points = [...run];
    if (points.length <= maxChars) continue;
    const parts: string[] = [];
    for (let k = 0; k < points.length; k += maxChars)
      parts.push(points.slice(k, k + maxChars).join(''));
    out += text.slice(last, m.index);
    if (firstBreak < 0) firstBreak = out.length + parts[0]!.length;
    out += parts.join(' ');
    last = m.index + run.length;
  }
  if (firstBreak < 0) return { text, firstBreak: -1 };
  return { text: out + text.slice(last), firstBreak };
}

/**
 * The source words of each chunkText piece, re-joined without the comma ensurePunctuation may
 * have appended: a 400-character piece plus that comma would be split again by chunkText.
 */
export function takePieces(
  text: string,
  pieces: readonly string[],
): { taken: string[]; rest: string } {
  const taken: string[] = [];
  let rest = text;
  for (const piece of pieces) {
    const count = wordCount(piece);
    const head = rest.slice(0, rest.length - dropWords(rest, count).length);
    taken.push(joinWords(head));
    rest = rest.slice(head.length);
  }
  return { taken, rest };
}

/** Start of the word that ends at `end` (just after the whitespace before it). */
export function wordStart(text: string, end: number): number {
  let j = end;
  while (j > 0 && !PY_SPACE_CHAR.test(text[j - 1]!)) j--;
  return j;
}

export function hasNonSpaceAfter(text: string, i: number): boolean {
  for (let j = i + 1; j < text.length; j++) if (!PY_SPACE_CHAR.test(text[j]!)) return true;
  return false;
}
