// The streaming sentence segmenter: text arrives in arbitrary pieces (LLM tokens) and leaves as the
// sentences upstream KittenTTS `chunk_text` would cut from the whole text, each as soon as it is certain.
import {
  codePointLength,
  isSentenceBoundary,
  MAX_CHUNK_CHARS,
  pyStrip,
} from '../kitten/frontend/chunk.js';
import { chunkMarkedText as chunkText } from '../kitten/frontend/markup.js';
import { isBreakWord, isPlainWord } from './cut-points.js';
import { insideMarkup } from './markup-span.js';
import {
  breakOverlongRuns,
  hasNonSpaceAfter,
  PY_SPACE_CHAR,
  takePieces,
  wordCount,
  wordStart,
} from './text-runs.js';

/**
 * - sentence: chunks are sentences (upstream's cut).
 * - clause: the first chunk of a turn may end at `,` `;` `:` `—` (lower time to first audio).
 * - auto: as clause, and later chunks may end at a clause too whenever `clauseWanted()` says so
 *   (the session asks for it while its listener has little audio ahead); where no clause mark
 *   comes, a chunk of `minWordCutWords` or more words may end at a natural break (just before a
 *   conjunction, preposition or relative pronoun) when `breakCutWanted` says so, or after any plain
 *   word when `wordCutWanted(text)` says that waiting for more text would leave the listener
 *   waiting. A word cut is never inside or next to a number, nor inside markup (cut-points.ts).
 */
export type FirstChunkMode = 'sentence' | 'clause' | 'auto';
export const FIRST_CHUNK_MODES: readonly FirstChunkMode[] = ['sentence', 'clause', 'auto'];

export interface SegmenterOptions {
  firstChunk?: FirstChunkMode;
  /** Words a chunk needs before a clause mark may end it. */
  minClauseWords?: number;
  /**
   * auto: asked at each clause mark past the first chunk, with the text so far and the chunks this
   * call has cut already (not yet handed to the caller: they will play first); true cuts there.
   */
  clauseWanted?: (text: string, cut: readonly string[]) => boolean;
  /** auto: words a chunk needs before it may end at a plain word. */
  minWordCutWords?: number;
  /** auto: words a chunk needs before it may end at a natural break. */
  minBreakCutWords?: number;
  /**
   * auto: asked at each plain word end of a long enough chunk (the text so far); true cuts there.
   * `opening`: no chunk of this turn has gone out yet (the listener is waiting for first audio).
   */
  wordCutWanted?: (text: string, cut: readonly string[], opening: boolean) => boolean;
  /** auto: asked just before a break word that ends a long enough chunk (the text before it). */
  breakCutWanted?: (text: string, cut: readonly string[], opening: boolean) => boolean;
  /**
   * A turn's first sentence of at most `shortOpeningWords` words ("Sure!") is held back and goes
   * out with the text after it at the next cut, or alone by `releaseOpening()` (the session's
   * bounded wait) or flush().
   */
  holdShortOpening?: boolean;
  shortOpeningWords?: number;
}

export const DEFAULT_SEGMENTER_OPTIONS: Readonly<Required<SegmenterOptions>> = Object.freeze({
  firstChunk: 'sentence',
  minClauseWords: 4,
  clauseWanted: () => false,
  minWordCutWords: 6,
  minBreakCutWords: 4,
  wordCutWanted: () => false,
  breakCutWanted: () => false,
  holdShortOpening: false,
  shortOpeningWords: 2,
});

export function resolveSegmenterOptions(
  options: SegmenterOptions = {},
): Required<SegmenterOptions> {
  const resolved = { ...DEFAULT_SEGMENTER_OPTIONS, ...options };
  const counts = [
    'minClauseWords',
    'minWordCutWords',
    'minBreakCutWords',
    'shortOpeningWords',
  ] as const;
  for (const name of counts) {
    if (!Number.isInteger(resolved[name]) || resolved[name] < 1)
      throw new RangeError(`${name} must be a positive integer, got ${resolved[name]}`);
  }
  return resolved;
}

const TERMINATORS = '.!?';
const CLAUSE_MARKS = ',;:\u2014';

/**
 * push() returns the sentences completed so far, flush() the rest (and starts a new turn).
 * Fed token by token, the output equals one push of the whole text; for text without a word over
 * MAX_CHUNK_CHARS, `sentences.flatMap(chunkText)` equals `chunkText(text)`.
 */
export class Segmenter {
  private readonly options: Required<SegmenterOptions>;
  /** Text after the last emitted sentence (it starts with whitespace, or at a word start). */
  private buffer = '';
  /** Positions of `buffer` before this one are decided: neither a sentence end nor a clause cut. */
  private scanFrom = 0;
  /** A chunk of this turn has gone out, so clause cuts are over until the next flush. */
  private emittedInTurn = false;
  /** The pending sentence is over the limit and already partly emitted as word-packed pieces. */
  private splittingLong = false;
  /** End (in `buffer`) of a short opening sentence held back; -1 when none is. */
  private heldEnd = -1;

  constructor(options: SegmenterOptions = {}) {
    this.options = resolveSegmenterOptions(options);
  }

  /** Text waiting for its sentence to complete (as pushed, leading space included). */
  get bufferedText(): string {
    return this.buffer;
  }

  push(text: string): string[] {
    if (text === '') return [];
    const out: string[] = [];
    this.append(text);
    this.scan(out, false);
    this.emitLongPieces(out);
    return out;
  }

  /** End of text: every pending decision is made, the rest goes out, and a new turn begins. */
  flush(): string[] {
    const out: string[] = [];
    this.scan(out, true);
    this.emitSentence(this.buffer, out);
    this.reset();
    return out;
  }

  /** A short opening sentence is held back, waiting for the text after it. */
  get holdingOpening(): boolean {
    return this.heldEnd >= 0;
  }

  /** The held short opening goes out alone (the wait for the text after it is over). */
  releaseOpening(): string[] {
    if (this.heldEnd < 0) return [];
    const out: string[] = [];
    const end = this.heldEnd;
    this.emitSentence(this.buffer.slice(0, end), out);
    this.buffer = this.buffer.slice(end);
    this.scanFrom = Math.max(0, this.scanFrom - end);
    return out;
  }

  /** Drops buffered text (barge-in) and starts a new turn. */
  reset(): void {
    this.heldEnd = -1;
    this.buffer = '';
    this.scanFrom = 0;
    this.emittedInTurn = false;
    this.splittingLong = false;
  }

  private append(text: string): void {
    // A run with no whitespace would never reach a word boundary: cut it so the model never gets
    // more than MAX_CHUNK_CHARS of it (upstream would pass the whole run as one over-long chunk).
    const { text: broken, firstBreak } = breakOverlongRuns(this.buffer + text, MAX_CHUNK_CHARS);
    this.buffer = broken;
    if (firstBreak >= 0) this.scanFrom = Math.min(this.scanFrom, Math.max(0, firstBreak - 1));
  }

  private scan(out: string[], final: boolean): void {
    let i = this.scanFrom;
    for (; i < this.buffer.length; i++) {
      const c = this.buffer[i]!;
      // Inline markup (phonemes, pause tags) is never cut: it reaches the front-end whole.
      const mayCut = TERMINATORS.includes(c) || CLAUSE_MARKS.includes(c) || PY_SPACE_CHAR.test(c);
      if (mayCut && insideMarkup(this.buffer, i)) continue;
      if (TERMINATORS.includes(c)) {
        // Whether `.` ends a sentence depends on the next non-space character (3.5, a.m. + case).
        if (!final && !hasNonSpaceAfter(this.buffer, i)) break;
        if (isSentenceBoundary(this.buffer, i)) {
          if (!final && this.holdsOpening(i)) continue;
          this.emitSentence(this.buffer.slice(0, i + 1), out);
          this.buffer = this.buffer.slice(i + 1);
          i = -1;
        }
      } else if (PY_SPACE_CHAR.test(c)) {
        const at = this.wordCutAt(i, out);
        if (at <= 0) continue;
        this.emitSentence(this.buffer.slice(0, at), out);
        this.buffer = this.buffer.slice(at);
        i = -1;
      } else if (CLAUSE_MARKS.includes(c) && this.clauseCutAllowed(i, out)) {
        const next = this.buffer[i + 1];
        if (next === undefined) {
          if (final) continue;
          break;
        }
        if (
          PY_SPACE_CHAR.test(next) &&
          wordCount(this.buffer.slice(0, i + 1)) >= this.options.minClauseWords
        ) {
          this.emitSentence(this.buffer.slice(0, i + 1), out);
          this.buffer = this.buffer.slice(i + 1);
          i = -1;
        }
      }
    }
    this.scanFrom = Math.max(0, i);
  }

  /** The sentence ending at `i` is a turn's short opening, to be held for the text after it. */
  private holdsOpening(i: number): boolean {
    const { holdShortOpening, shortOpeningWords } = this.options;
    if (!holdShortOpening || this.emittedInTurn || this.splittingLong) return false;
    if (this.heldEnd >= 0) return false;
    if (wordCount(this.buffer.slice(0, i + 1)) > shortOpeningWords) return false;
    this.heldEnd = i + 1;
    return true;
  }

  private clauseCutAllowed(i: number, out: readonly string[]): boolean {
    const mode = this.options.firstChunk;
    if (mode === 'sentence' || this.splittingLong) return false;
    if (insideMarkup(this.buffer, i + 1)) return false;
    if (!this.emittedInTurn) return true;
    return mode === 'auto' && this.options.clauseWanted(this.buffer.slice(0, i + 1), out);
  }

  /**
   * auto: where the space at `i` lets a chunk end, or -1. It ends a word; before a break word the
   * chunk may end before that word, after any other plain word it may end here.
   */
  private wordCutAt(i: number, out: readonly string[]): number {
    if (this.options.firstChunk !== 'auto' || this.splittingLong || i === 0) return -1;
    if (PY_SPACE_CHAR.test(this.buffer[i - 1]!)) return -1;
    if (insideMarkup(this.buffer, i)) return -1;
    const { minWordCutWords, minBreakCutWords, breakCutWanted, wordCutWanted } = this.options;
    const opening = !this.emittedInTurn;
    const start = wordStart(this.buffer, i);
    const word = this.buffer.slice(start, i);
    if (start > 0 && isBreakWord(word)) {
      const head = this.buffer.slice(0, start);
      const stripped = pyStrip(head);
      const last = stripped.slice(wordStart(stripped, stripped.length));
      if (
        isPlainWord(last) &&
        wordCount(head) >= minBreakCutWords &&
        breakCutWanted(head, out, opening)
      )
        return start;
    }
    if (!isPlainWord(word)) return -1;
    const text = this.buffer.slice(0, i);
    return wordCount(text) >= minWordCutWords && wordCutWanted(text, out, opening) ? i : -1;
  }

  /** A pending sentence over the limit: every word-packed piece but the last is final already. */
  private emitLongPieces(out: string[]): void {
    if (this.buffer.length <= MAX_CHUNK_CHARS) return;
    const pieces = chunkText(this.buffer);
    if (pieces.length < 2) return;
    const { taken, rest } = takePieces(this.buffer, pieces.slice(0, -1));
    this.scanFrom = Math.max(0, this.scanFrom - (this.buffer.length - rest.length));
    this.buffer = rest;
    this.splittingLong = true;
    this.emittedInTurn = true;
    this.heldEnd = -1;
    out.push(...taken);
  }

  private emitSentence(raw: string, out: string[]): void {
    const merged = this.heldEnd >= 0;
    this.heldEnd = -1;
    const text = pyStrip(raw);
    const wasSplitting = this.splittingLong;
    this.splittingLong = false;
    if (text === '') return;
    const pieces = chunkText(text);
    // A sentence within the limit goes out as written (a held opening with the text after it
    // too: one chunk, which the engine synthesizes as the same model chunks as one-shot text);
    // a long one as upstream packs it (words joined by single spaces), so that chunkText of each
    // piece gives back exactly that piece.
    const whole = pieces.length === 1 || (merged && codePointLength(text) <= MAX_CHUNK_CHARS);
    out.push(...(wasSplitting || !whole ? takePieces(text, pieces).taken : [text]));
    this.emittedInTurn = true;
  }
}

/** One-shot splitting with the same rules (what a whole text pushed at once and flushed gives). */
export function splitSentences(text: string, options: SegmenterOptions = {}): string[] {
  const segmenter = new Segmenter(options);
  return [...segmenter.push(text), ...segmenter.flush()];
}
