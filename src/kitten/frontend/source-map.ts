// Where the words the model said came from in the text a client sent. Normalization rewrites text
// (case, numbers, units, markup) and keeps no offsets, so the words are found again: each folded
// word (lower case, letters and digits only) is looked for among the next few words of the
// source, and where markup dropped more than that, further on, confirmed by the words after it.
// A word found maps to it; words made from something else (`$5` → `five dollars`) map to the
// source between the words found around them, all to the same range.

import { isMark } from './phonemize/punctuation.js';

export type CharRange = readonly [number, number];

/** Source words a word may skip to find itself on the next word's word alone (dropped symbols). */
const LOOKAHEAD_WORDS = 4;

const fold = (s: string) =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');

interface SourceWord {
  readonly folded: string;
  readonly from: number;
  readonly to: number;
  /** The whole whitespace-delimited word, marks included (what an expansion came from). */
  readonly rawFrom: number;
  readonly rawTo: number;
}

function sourceWords(source: string): SourceWord[] {
  const out: SourceWord[] = [];
  for (const m of source.matchAll(/\S+/gu)) {
    const folded = fold(m[0]);
    // A symbol (`&`, `+`) is kept: it can be said, and what is said for it comes from there.
    if (folded === '' && [...m[0]].every(isMark)) continue;
    // The range runs from the first to the last letter or digit ("Hello," → "Hello").
    const lead = m[0].search(/[\p{L}\p{N}]/u);
    const trail =
      m[0].length -
      [...m[0]]
        .reverse()
        .join('')
        .search(/[\p{L}\p{N}]/u);
    // Punctuation around it is not part of what an expansion came from (`$5,` → `$5`).
    let [rawFrom, rawTo] = [m.index, m.index + m[0].length];
    while (rawTo - rawFrom > 1 && isMark(source[rawTo - 1]!)) rawTo--;
    while (rawTo - rawFrom > 1 && isMark(source[rawFrom]!)) rawFrom++;
    out.push({
      folded,
      from: m.index + lead,
      to: m.index + Math.max(lead + 1, trail),
      rawFrom,
      rawTo,
    });
  }
  return out;
}

/** The index of the first word at or after `i` that folds to something (`&` folds to nothing). */
function nextSpoken(folded: readonly string[], i: number): number {
  while (i < folded.length && folded[i] === '') i++;
  return i;
}

/** The index of the first source word at or after `k` with letters or digits. */
function nextFolded(src: readonly SourceWord[], k: number): number {
  while (k < src.length && src[k]!.folded === '') k++;
  return k;
}

/**
 * The next `count` words that fold to something, after word `i`, are the source words after
 * `k`, symbols aside (fewer at the end of the words; none left: only at the end of the source).
 */
function followedBy(
  src: readonly SourceWord[],
  folded: readonly string[],
  i: number,
  k: number,
  count: number,
): boolean {
  let w = nextSpoken(folded, i + 1);
  let s = nextFolded(src, k + 1);
  if (w >= folded.length) return count === 1 || s >= src.length;
  for (let n = 1; n <= count && w < folded.length; n++) {
    if (src[s]?.folded !== folded[w]) return false;
    [w, s] = [nextSpoken(folded, w + 1), nextFolded(src, s + 1)];
  }
  return true;
}

/**
 * Where word `i` is in the source from `cursor` on, or -1. Near (the next few source words) a
 * match is taken when nothing is skipped, when the next word confirms it, or when the words not
 * placed just before it can have come from the words skipped (`3 dogs` → `three dogs`). Further
 * on (markup that dropped many words) the next two words must confirm it.
 */
function findWord(
  src: readonly SourceWord[],
  folded: readonly string[],
  i: number,
  cursor: number,
  unplaced: number,
): number {
  const word = folded[i]!;
  if (word === '') return -1;
  const near = Math.min(src.length, cursor + LOOKAHEAD_WORDS);
  for (let k = cursor; k < near; k++) {
    if (src[k]!.folded !== word) continue;
    if (k === cursor || k - cursor <= unplaced || followedBy(src, folded, i, k, 1)) return k;
  }
  for (let k = near; k < src.length; k++)
    if (src[k]!.folded === word && followedBy(src, folded, i, k, 2)) return k;
  return -1;
}

/** For each word (in order), its [from, to) UTF-16 range in `source`, or undefined if unknown. */
export function locateWords(
  source: string,
  words: readonly string[],
): Array<CharRange | undefined> {
  const src = sourceWords(source);
  const out: Array<CharRange | undefined> = new Array<CharRange | undefined>(words.length);
  let cursor = 0;
  let pending: number[] = [];
  const settlePending = (until: number) => {
    // Words made by normalization from the source words [cursor, until) share their range.
    const gap: CharRange | undefined =
      until > cursor ? [src[cursor]!.rawFrom, src[until - 1]!.rawTo] : undefined;
    for (const i of pending) out[i] = gap;
    pending = [];
  };
  const folded = words.map(fold);
  for (const i of folded.keys()) {
    const found = findWord(src, folded, i, cursor, pending.length);
    if (found < 0) {
      pending.push(i);
      continue;
    }
    if (pending.length > 0) settlePending(found);
    out[i] = [src[found]!.from, src[found]!.to];
    cursor = found + 1;
  }
  settlePending(src.length);
  return out;
}
