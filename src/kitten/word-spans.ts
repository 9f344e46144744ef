// Word timings from the model's `duration` output (frames per input token, 600 samples a frame):
// each word of a chunk's text is mapped to the part of the phonemizer's output it became, that to
// its tokens, and the tokens' frames to samples, then cut by the per-chunk trim. Speed and the
// voices' speed priors are already in the durations (the graph divides by the speed it gets).
//
// Text words and espeak's words are paired piece by piece (the text between punctuation marks,
// as the phonemizer cuts it): the same number on both sides pairs them in order. Otherwise each
// text word is phonemized alone and the least-cost pairing near the diagonal is taken (the cost
// grows with the piece's length, not its square): a word as its own phonemes
// (one espeak word, several for `50%` → `fˈɪfti pɚsˈɛnt`, none for `--`), or two to four words
// espeak ran together into one (`do not` → `duːnˌɑːt`), which merged-words.ts cuts where the
// phonemes show it; where they cannot, the words share the span and say so (`sharedWith`).
import { PY_WHITESPACE_CLASS } from './frontend/chunk.js';
import { isMark, pieceRanges } from './frontend/phonemize/punctuation.js';
import { idSources } from './frontend/tokenize.js';
import { bareDistance, consonantCuts, exactCuts, unstressed } from './merged-words.js';

export const SAMPLES_PER_FRAME = 600;

export interface WordSpan {
  /** The word as written in the chunk's text. */
  readonly text: string;
  /** Where it is in the chunk's text: [from, to) UTF-16 offsets. */
  readonly from: number;
  readonly to: number;
  /** Samples from the start of the chunk's (trimmed) audio. */
  readonly startSample: number;
  readonly endSample: number;
  /**
   * Set when espeak merged this word with its neighbours: the chunk index of the group's first
   * word. Every word of a group has the group's span.
   */
  readonly sharedWith?: number;
}

/** A text word and the characters of the phonemizer's output it was said as. */
export interface AlignedWord {
  readonly text: string;
  readonly from: number;
  readonly to: number;
  /** [pFrom, pTo): UTF-16 offsets in the phonemizer's output. */
  readonly pFrom: number;
  readonly pTo: number;
  readonly sharedWith?: number;
}

type Phonemize = (text: string) => Promise<string>;
type Range = readonly [number, number];
interface Written {
  readonly text: string;
  readonly from: number;
  readonly to: number;
}

const WORD_RE = new RegExp(`[^${PY_WHITESPACE_CLASS}]+`, 'gu');
const SPACE_RE = /\s/u;

function textWords(chunk: string, [from, to]: Range): Written[] {
  const piece = chunk.slice(from, to);
  return [...piece.matchAll(WORD_RE)].map((m) => ({
    text: m[0],
    from: from + m.index,
    to: from + m.index + m[0].length,
  }));
}

/** The phonemizer's words in its output: runs of neither whitespace nor punctuation marks. */
export function phonemeWordRanges(phonemes: string): Range[] {
  const ranges: Array<[number, number]> = [];
  let start = -1;
  for (let i = 0; i <= phonemes.length; i++) {
    const ch = phonemes[i];
    const inWord = ch !== undefined && !SPACE_RE.test(ch) && !isMark(ch);
    if (inWord && start < 0) start = i;
    else if (!inWord && start >= 0) {
      ranges.push([start, i]);
      start = -1;
    }
  }
  return ranges;
}

const splitWords = (phonemes: string) => phonemes.split(/\s+/u).filter((w) => w !== '');

/** Maps every word of `chunk` to the part of `phonemes` (the phonemizer's output for it) it became. */
export async function alignChunkWords(
  chunk: string,
  phonemes: string,
  phonemize: Phonemize,
): Promise<AlignedWord[]> {
  const ranges = phonemeWordRanges(phonemes);
  const pieces = pieceRanges(chunk);
  const words: AlignedWord[] = [];
  let base = 0;
  for (const range of pieces) {
    const said = splitWords(await phonemize(chunk.slice(range[0], range[1])));
    const at = ranges.slice(base, base + said.length);
    // The output is not the sum of its pieces: the whole chunk is one shared span, below.
    if (at.length < said.length || said.some((w, i) => phonemes.slice(...at[i]!) !== w)) break;
    const written = textWords(chunk, range);
    const pieceWords = await alignPiece(written, said, phonemize);
    words.push(...pieceWords.map((w) => place(w, at, words.length)));
    base += said.length;
  }
  if (base === ranges.length && words.length > 0) return words;
  const all = pieces.flatMap((r) => textWords(chunk, r));
  const [pFrom, pTo] = [ranges[0]?.[0] ?? 0, ranges.at(-1)?.[1] ?? 0];
  return all.map((w) => ({ ...w, pFrom, pTo, sharedWith: 0 }));
}

/** A piece-level alignment placed in the whole output (offsets) and chunk (group indices). */
function place(w: PieceWord, at: readonly Range[], index: number): AlignedWord {
  const { text, from, to } = w.written;
  const start = at[w.first];
  const end = at[w.last - 1];
  let pFrom = start === undefined ? (at[w.first - 1]?.[1] ?? at[0]?.[0] ?? 0) : start[0];
  let pTo = end === undefined || w.last <= w.first ? pFrom : end[1];
  if (w.cut) [pFrom, pTo] = [start![0] + w.cut[0], start![0] + w.cut[1]];
  const shared = w.sharedWith === undefined ? {} : { sharedWith: index + w.sharedWith };
  return { text, from, to, pFrom, pTo, ...shared };
}

/** A text word of a piece and espeak's words [first, last) of that piece (or a cut of one). */
interface PieceWord {
  readonly written: Written;
  readonly first: number;
  readonly last: number;
  /** Within espeak's word `first`: [from, to) offsets (an exactly split merge). */
  readonly cut?: Range;
  /** Piece index of the group's first word. */
  readonly sharedWith?: number;
}

const MAX_MERGE = 4;

async function alignPiece(
  written: readonly Written[],
  said: readonly string[],
  phonemize: Phonemize,
): Promise<PieceWord[]> {
  if (written.length === said.length)
    return written.map((w, i) => ({ written: w, first: i, last: i + 1 }));
  const alone = await Promise.all(written.map(async (w) => splitWords(await phonemize(w.text))));
  return alignByCost(written, said, alone);
}

type Step = {
  readonly i: number;
  readonly j: number;
  readonly words: number;
  readonly said: number;
};

/**
 * How far the pairing may stray from the diagonal beyond the two word counts' difference: one
 * merge, and one word said as many espeak words (`1,234` → six), either way.
 */
const bandOf = (alone: ReadonlyArray<readonly string[]>) =>
  MAX_MERGE + Math.max(1, ...alone.map((a) => a.length));

/** The text words `i..i+a` said alone and run together, stress marks left out, for a = 2..4. */
function mergesFrom(bare: readonly string[], i: number): string[] {
  const out: string[] = [];
  for (let a = 2; a <= MAX_MERGE && i + a <= bare.length; a++)
    out.push((out.at(-1) ?? bare[i]!) + bare[i + a - 1]!);
  return out;
}

/**
 * Least-cost pairing of text words (phonemized alone) with espeak's words of the whole piece: a
 * word as its own phonemes (k ≥ 0 espeak words), or 2–4 words merged into one espeak word; an
 * espeak word or a text word left unpaired costs most. Only pairings near the diagonal are
 * searched (bandOf): the cost grows with the piece's length, not its square.
 */
function alignByCost(
  written: readonly Written[],
  said: readonly string[],
  alone: ReadonlyArray<readonly string[]>,
): PieceWord[] {
  const n = written.length;
  const m = said.length;
  const width = m + 1;
  const cost = new Float64Array((n + 1) * width).fill(Infinity);
  const backWords = new Int8Array((n + 1) * width);
  const backSaid = new Int32Array((n + 1) * width);
  const bareAlone = alone.map((a) => unstressed(a.join('')));
  const bareSaid = said.map(unstressed);
  const band = bandOf(alone);
  const [lo, hi] = [Math.min(0, m - n) - band, Math.max(0, m - n) + band];
  cost[0] = 0;
  let [i, j] = [0, 0];
  const relax = (words: number, saidCount: number, c: number) => {
    const from = i * width + j;
    const to = (i + words) * width + j + saidCount;
    const total = cost[from]! + c;
    if (total < cost[to]!) {
      cost[to] = total;
      backWords[to] = words;
      backSaid[to] = saidCount;
    }
  };
  for (i = 0; i <= n; i++) {
    const k = alone[i]?.length ?? 0;
    const merges = i < n ? mergesFrom(bareAlone, i) : [];
    for (j = Math.max(0, i + lo); j <= Math.min(m, i + hi); j++) {
      if (cost[i * width + j] === Infinity) continue;
      if (j < m) relax(0, 1, 1);
      if (i === n) continue;
      relax(1, 0, k === 0 ? 0 : 1);
      if (k > 0 && j + k <= m) {
        const run = k === 1 ? bareSaid[j]! : bareSaid.slice(j, j + k).join('');
        relax(1, k, bareDistance(bareAlone[i]!, run));
      }
      if (k !== 1 && j < m) relax(1, 1, 0.5 + bareDistance(bareAlone[i]!, bareSaid[j]!));
      if (j < m)
        for (const [a, merged] of merges.entries())
          relax(a + 2, 1, 0.1 + bareDistance(merged, bareSaid[j]!));
    }
  }
  const steps: Step[] = [];
  for (let [si, sj] = [n, m]; si > 0 || sj > 0;) {
    const at = si * width + sj;
    const step = {
      i: si - backWords[at]!,
      j: sj - backSaid[at]!,
      words: backWords[at]!,
      said: backSaid[at]!,
    };
    steps.unshift(step);
    [si, sj] = [step.i, step.j];
  }
  return steps.flatMap((step) => wordsOf(step, written, said, alone));
}

function wordsOf(
  step: Step,
  written: readonly Written[],
  said: readonly string[],
  alone: ReadonlyArray<readonly string[]>,
): PieceWord[] {
  const { i, j } = step;
  const first = j;
  const last = j + step.said;
  if (step.words === 0) return [];
  if (step.words === 1) return [{ written: written[i]!, first, last }];
  const group = written.slice(i, i + step.words);
  const parts = alone.slice(i, i + step.words).map((a) => a.join(''));
  const cuts = exactCuts(said[j]!, parts) ?? consonantCuts(said[j]!, parts);
  if (cuts) return group.map((w, k) => ({ written: w, first, last, cut: cuts[k]! }));
  return group.map((w) => ({ written: w, first, last, sharedWith: i }));
}

/**
 * Samples of each aligned word: from its first token's first frame to its last token's last frame
 * (token boundaries × 600), cut to the chunk's trimmed length. Spaces, marks and the pads belong to
 * no word. Empty when the durations do not fit the tokens (a graph without `duration`).
 */
export function wordSpans(
  words: readonly AlignedWord[],
  phonemes: string,
  durations: BigInt64Array | null,
  trimmedSamples: number,
): WordSpan[] {
  const sources = idSources(phonemes);
  if (durations === null || durations.length !== sources.length) return [];
  const frameStart = new Float64Array(durations.length + 1);
  for (let t = 0; t < durations.length; t++)
    frameStart[t + 1] = frameStart[t]! + Number(durations[t]!);
  // Tokens in the order of the characters they came from (sources only increase).
  const tokens: number[] = [];
  for (let t = 0; t < sources.length; t++) if (sources[t]! >= 0) tokens.push(t);
  const firstAtOrAfter = (offset: number) => {
    let [lo, hi] = [0, tokens.length];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sources[tokens[mid]!]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const clamp = (frames: number) => Math.min(frames * SAMPLES_PER_FRAME, trimmedSamples);
  let cursor = 0;
  return words.map((word) => {
    const a = firstAtOrAfter(word.pFrom);
    const b = firstAtOrAfter(word.pTo); // tokens [a, b) are the word's
    // A word said as nothing (`--`) gets an empty span where the next sound starts.
    const silentAt = a < tokens.length ? Math.max(cursor, clamp(frameStart[tokens[a]!]!)) : cursor;
    const startSample = a < b ? clamp(frameStart[tokens[a]!]!) : silentAt;
    const endSample = a < b ? clamp(frameStart[tokens[b - 1]! + 1]!) : silentAt;
    cursor = Math.max(cursor, endSample);
    const { text, from, to, sharedWith } = word;
    const shared = sharedWith === undefined ? {} : { sharedWith };
    return { text, from, to, startSample, endSample, ...shared };
  });
}
