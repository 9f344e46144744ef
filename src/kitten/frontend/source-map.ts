// Where the words the model said came from in the text a client sent. Normalization rewrites text
// (case, numbers, units, markup) and keeps no offsets, so the words are found again: each folded
// word (lower case, letters and digits only) is looked for among the next few words of the
// source. A word found there maps to it; words made from something else (`$5` → `five dollars`)
// map to the source between the words found around them, all to the same range.

import { isMark } from './phonemize/punctuation.js';

export type CharRange = readonly [number, number];

/** How many source words a word may skip ahead to find itself (markup, dropped symbols). */
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
    if (folded === '') continue;
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
  // A match past source words not yet accounted for must be confirmed by the next word, so a
  // common word ("one", "the") does not pull everything after it out of place.
  const confirmed = (i: number, k: number) =>
    k === cursor || i + 1 >= words.length || src[k + 1]?.folded === folded[i + 1];
  for (const [i, word] of folded.entries()) {
    let found = -1;
    for (let k = cursor; k < Math.min(src.length, cursor + LOOKAHEAD_WORDS); k++) {
      if (src[k]!.folded === word && word !== '' && confirmed(i, k)) {
        found = k;
        break;
      }
    }
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
