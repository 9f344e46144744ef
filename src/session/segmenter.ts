// The streaming sentence segmenter: text arrives in arbitrary pieces (LLM tokens) and leaves as the
// sentences upstream KittenTTS `chunk_text` would cut from the whole text, each as soon as it is certain.
import {
  chunkText,
  isSentenceBoundary,
  MAX_CHUNK_CHARS,
  pyStrip,
} from '../kitten/frontend/chunk.js';
import { insideMarkup } from './markup-span.js';
import { breakOverlongRuns, dropWords, joinWords, PY_SPACE_CHAR, wordCount } from './text-runs.js';

/**
 * - sentence: chunks are sentences (upstream's cut).
 * - clause: the first chunk of a turn may end at `,` `;` `:` `—` (lower time to first audio).
 * - auto: as clause, and later chunks may end at a clause too whenever `clauseWanted()` says so
 *   (the session asks for it while its listener has little audio ahead); where no clause mark
 *   comes, a chunk of `minWordCutWords` or more words may end at a word when `wordCutWanted(text)`
 *   says that waiting for more text would leave the listener waiting.
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
  /** auto: words a chunk needs before it may end at a word boundary. */
  minWordCutWords?: number;
  /** auto: asked at each word end of a long enough chunk (the text so far); true cuts there. */
  wordCutWanted?: (text: string, cut: readonly string[]) => boolean;
}

export const DEFAULT_SEGMENTER_OPTIONS: Readonly<Required<SegmenterOptions>> = Object.freeze({
  firstChunk: 'sentence',
  minClauseWords: 4,
  clauseWanted: () => false,
  minWordCutWords: 6,
  wordCutWanted: () => false,
});

export function resolveSegmenterOptions(
  options: SegmenterOptions = {},
): Required<SegmenterOptions> {
  const resolved = { ...DEFAULT_SEGMENTER_OPTIONS, ...options };
  for (const name of ['minClauseWords', 'minWordCutWords'] as const) {
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

  /** Drops buffered text (barge-in) and starts a new turn. */
  reset(): void {
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
          this.emitSentence(this.buffer.slice(0, i + 1), out);
          this.buffer = this.buffer.slice(i + 1);
          i = -1;
        }
      } else if (PY_SPACE_CHAR.test(c) && this.wordCutAllowed(i, out)) {
        this.emitSentence(this.buffer.slice(0, i), out);
        this.buffer = this.buffer.slice(i);
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

  private clauseCutAllowed(i: number, out: readonly string[]): boolean {
    const mode = this.options.firstChunk;
    if (mode === 'sentence' || this.splittingLong) return false;
    if (!this.emittedInTurn) return true;
    return mode === 'auto' && this.options.clauseWanted(this.buffer.slice(0, i + 1), out);
  }

  /** auto: the space at `i` ends a plain word (no mark before it) of a chunk long enough to cut. */
  private wordCutAllowed(i: number, out: readonly string[]): boolean {
    if (this.options.firstChunk !== 'auto' || this.splittingLong || i === 0) return false;
    const before = this.buffer[i - 1]!;
    if (PY_SPACE_CHAR.test(before) || TERMINATORS.includes(before) || CLAUSE_MARKS.includes(before))
      return false;
    const text = this.buffer.slice(0, i);
    return wordCount(text) >= this.options.minWordCutWords && this.options.wordCutWanted(text, out);
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
    out.push(...taken);
  }

  private emitSentence(raw: string, out: string[]): void {
    const text = pyStrip(raw);
    const wasSplitting = this.splittingLong;
    this.splittingLong = false;
    if (text === '') return;
    const pieces = chunkText(text);
    // A sentence within the limit goes out as written; a long one as upstream packs it (words
    // joined by single spaces), so that chunkText of each piece gives back exactly that piece.
    out.push(...(wasSplitting || pieces.length > 1 ? takePieces(text, pieces).taken : [text]));
    this.emittedInTurn = true;
  }
}

/**
 * The source words of each chunkText piece, re-joined without the comma ensurePunctuation may
 * have appended: a 400-character piece plus that comma would be split again by chunkText.
 */
function takePieces(text: string, pieces: readonly string[]): { taken: string[]; rest: string } {
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

function hasNonSpaceAfter(text: string, i: number): boolean {
  for (let j = i + 1; j < text.length; j++) if (!PY_SPACE_CHAR.test(text[j]!)) return true;
  return false;
}

/** One-shot splitting with the same rules (what a whole text pushed at once and flushed gives). */
export function splitSentences(text: string, options: SegmenterOptions = {}): string[] {
  const segmenter = new Segmenter(options);
  return [...segmenter.push(text), ...segmenter.flush()];
}
