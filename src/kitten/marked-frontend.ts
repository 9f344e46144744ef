// The front-end for a planned chunk that holds phoneme markup (frontend/markup.ts; the gateway
// writes lexicon hits as markup too): espeak phonemizes the display text exactly as it would
// without markup, then only the marked words' phonemes are replaced, found through the text-word →
// espeak-word alignment of word-spans.ts. So every other word keeps exactly its ids.
//
// Where espeak ran a marked word together with an unmarked neighbour (`do not` → `duːnˌɑːt`) and
// merged-words.ts cannot cut it, the merged span is rebuilt word by word: the given phonemes for the
// marked words, each unmarked word of the span phonemized alone, joined by spaces.
// A chunk without markup goes through frontendChunk unchanged.
import { frontendChunk, type FrontendChunk } from './frontend/frontend.js';
import { stripMarkup, type Mark } from './frontend/markup.js';
import type { Phonemizer } from './frontend/phonemize.js';
import { isMark } from './frontend/phonemize/punctuation.js';
import { textToIds } from './frontend/tokenize.js';
import { alignChunkWords, type AlignedWord } from './word-spans.js';

export interface MarkedFrontendChunk extends FrontendChunk {
  /** The words and their phonemes after the marks (a marked stretch is one word); set with marks. */
  readonly words?: AlignedWord[];
}

interface Splice {
  readonly pFrom: number;
  readonly pTo: number;
  readonly phonemes: string;
  /** Indices of the aligned words the splice replaces, and the mark, if one stretch is marked. */
  readonly words: number[];
  readonly mark?: Mark;
}

const inside = (w: AlignedWord, m: Mark) => w.from >= m.from && w.to <= m.to;
const overlaps = (w: AlignedWord, from: number, to: number) =>
  w.pTo > w.pFrom && w.pFrom < to && w.pTo > from;

/** One planned chunk, markup and all, through the phonemizer and the symbol table. */
export async function markedFrontendChunk(
  chunk: string,
  phonemizer: Phonemizer,
  styleRows?: number,
): Promise<MarkedFrontendChunk> {
  const { text, marks } = stripMarkup(chunk);
  const front = await frontendChunk(text, phonemizer, styleRows);
  if (marks.length === 0) return front;
  const phonemize = (t: string) => phonemizer.phonemize(t);
  const aligned = await alignChunkWords(text, front.phonemes, phonemize);
  const splices: Splice[] = [];
  for (const mark of marks) {
    const marked = aligned.flatMap((w, i) => (inside(w, mark) ? [i] : []));
    if (marked.length === 0) continue;
    let pFrom = Math.min(...marked.map((i) => aligned[i]!.pFrom));
    let pTo = Math.max(...marked.map((i) => aligned[i]!.pTo));
    const merged = aligned.flatMap((w, i) =>
      !marked.includes(i) && overlaps(w, pFrom, pTo) ? [i] : [],
    );
    if (merged.length === 0) {
      splices.push({ pFrom, pTo, phonemes: mark.phonemes, words: marked, mark });
      continue;
    }
    // The documented fallback: the merged span, word by word.
    const group = [...new Set([...marked, ...merged])].sort((a, b) => a - b);
    pFrom = Math.min(pFrom, ...group.map((i) => aligned[i]!.pFrom));
    pTo = Math.max(pTo, ...group.map((i) => aligned[i]!.pTo));
    const said: string[] = [];
    for (const i of group) {
      if (i === marked[0]) said.push(mark.phonemes);
      else if (!marked.includes(i)) said.push((await phonemize(aligned[i]!.text)).trim());
    }
    splices.push({ pFrom, pTo, phonemes: said.join(' '), words: group });
  }
  const { phonemes, words } = splice(front.phonemes, aligned, splices, text);
  return { ...front, phonemes, inputIds: textToIds(phonemes), words };
}

const inWord = (ch: string | undefined) => ch !== undefined && !/\s/u.test(ch) && !isMark(ch);

/**
 * The splices applied to espeak's output (a replacement that starts or ends inside an espeak word,
 * an exact cut of a merge, gets a space there so it is a word of its own), and the aligned words
 * moved to match: a marked stretch becomes one word with its display text.
 */
function splice(
  base: string,
  aligned: readonly AlignedWord[],
  splices: readonly Splice[],
  text: string,
): { phonemes: string; words: AlignedWord[] } {
  const ordered = [...splices].sort((a, b) => a.pFrom - b.pFrom);
  const kept = ordered.filter((s, i) => i === 0 || s.pFrom >= ordered[i - 1]!.pTo);
  let out = '';
  let last = 0;
  const placed = new Map<number, { splice: Splice; from: number; to: number }>();
  const shifts: Array<{ at: number; delta: number }> = [];
  for (const s of kept) {
    out += base.slice(last, s.pFrom);
    const pre = s.pFrom > 0 && inWord(base[s.pFrom - 1]) ? ' ' : '';
    const post = inWord(base[s.pTo]) ? ' ' : '';
    const from = out.length + pre.length;
    out += pre + s.phonemes + post;
    for (const i of s.words) placed.set(i, { splice: s, from, to: from + s.phonemes.length });
    shifts.push({ at: s.pTo, delta: out.length - s.pTo });
    last = s.pTo;
  }
  out += base.slice(last);
  const shift = (p: number) => p + (shifts.findLast((s) => s.at <= p)?.delta ?? 0);
  const words: AlignedWord[] = [];
  const newIndex = new Map<number, number>();
  aligned.forEach((w, i) => {
    const at = placed.get(i);
    if (at === undefined) {
      newIndex.set(i, words.length);
      const shared =
        w.sharedWith === undefined
          ? {}
          : { sharedWith: newIndex.get(w.sharedWith) ?? words.length };
      words.push({
        text: w.text,
        from: w.from,
        to: w.to,
        pFrom: shift(w.pFrom),
        pTo: shift(w.pTo),
        ...shared,
      });
      return;
    }
    const { mark, words: group } = at.splice;
    if (mark !== undefined) {
      if (i !== group[0]) return;
      newIndex.set(i, words.length);
      words.push({
        text: text.slice(mark.from, mark.to),
        from: mark.from,
        to: mark.to,
        pFrom: at.from,
        pTo: at.to,
      });
      return;
    }
    if (i === group[0]) newIndex.set(i, words.length);
    const sharedWith = newIndex.get(group[0]!)!;
    words.push({ text: w.text, from: w.from, to: w.to, pFrom: at.from, pTo: at.to, sharedWith });
  });
  return { phonemes: out, words };
}
