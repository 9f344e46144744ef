// How a session sizes its chunks in `auto` mode: the rules the segmenter asks at each possible cut
// (a clause mark, a natural break, a plain word end), from what the listener has ahead and, under
// the load-aware policy, from the queue in front of the chunk (docs/realtime.md, Chunking policy).
import { wordCount } from './text-runs.js';
import type { SegmenterOptions } from './segmenter.js';

/**
 * - load (default): a chunk ends early while its synthesis, after the work queued ahead of it on
 *   the workers, might not finish before the listener's audio runs out; finer cuts when the buffer
 *   is short or the queue long (clauses; natural breaks from 4 words; then any plain word from 6),
 *   whole sentences when the buffer is ample. With more live streams than workers, a chunk also
 *   ends at the first such cut once its synthesis would hold a worker `chunkHoldS` or longer: chunks
 *   are not preempted, and another turn's first chunk may be waiting for that worker. A turn's
 *   first chunk ends at its first cut: a clause or natural break from 4 words, a plain word from 6
 *   (nothing plays yet; fewer would leave the last word of many short sentences alone).
 * - buffer: the earlier rule, kept for comparison: the listener's buffer alone decides, word cuts
 *   from 6 words, no natural-break cuts.
 */
export type ChunkPolicy = 'load' | 'buffer';
export const CHUNK_POLICIES: readonly ChunkPolicy[] = ['load', 'buffer'];

/** A short first sentence ("Sure!"): sent alone, or with the clause after it (a bounded wait). */
export type ShortOpening = 'alone' | 'merge';
export const SHORT_OPENINGS: readonly ShortOpening[] = ['alone', 'merge'];

/** What the rules read of the session and the engine. */
export interface ChunkingView {
  /** Seconds of audio ahead of the listener, counting chunks just cut and not handed over. */
  aheadS(cut: readonly string[]): number;
  /** Worker seconds this text will cost. */
  costS(text: string): number;
  /** Seconds a chunk due `inS` from now would wait for a worker (the queue ahead of it). */
  queueS(inS: number): number;
  /** More live real-time listeners than workers (TtsSessionOptions.contended). */
  contended(): boolean;
}

export interface ChunkingOptions {
  chunkPolicy: ChunkPolicy;
  /** A clause (or natural break) ends a chunk while ahead < queue + factor × cost + margin. */
  autoCostFactor: number;
  autoMarginS: number;
  shortOpening: ShortOpening;
  /** Load-aware, contended: worker seconds past which a chunk ends at its next cut (0: never). */
  chunkHoldS: number;
}

/** Headroom a plain-word cut keeps for queueing and delivery (seconds). */
const WORD_CUT_MARGIN_S = 0.5;
/** Words before a chunk may end at a plain word. */
const WORD_CUT_WORDS = 6;
/** Load-aware: words before a turn's first chunk may end at a plain word (nothing plays yet). */
const OPENING_WORD_CUT_WORDS = 6;
/** Load-aware: the smallest group of words a natural-break cut leaves. */
const BREAK_CUT_WORDS = 4;

/** The segmenter callbacks and limits for `auto` mode under `options.chunkPolicy`. */
export function chunkingRules(view: ChunkingView, options: ChunkingOptions): SegmenterOptions {
  const { autoCostFactor: factor, autoMarginS: margin } = options;
  const holdShortOpening = options.shortOpening === 'merge';
  if (options.chunkPolicy === 'buffer') {
    // A later chunk ends at a clause while the audio ahead would not cover the sentence going on
    // about as long again, and at a word when it would not even cover the text so far.
    return {
      holdShortOpening,
      minWordCutWords: WORD_CUT_WORDS,
      clauseWanted: (text, cut) => view.aheadS(cut) < factor * view.costS(text) + margin,
      wordCutWanted: (text, cut) => view.aheadS(cut) < view.costS(text) + WORD_CUT_MARGIN_S,
    };
  }
  // The chunk, cut here, is due when the audio ahead runs out; it starts once the work due before
  // it is done. Waiting for more text makes it longer (a clause or break: the sentence may go on
  // about as long again), so cut while that could finish after the audio ahead runs out.
  const slack = (text: string, cut: readonly string[], costFactor: number, marginS: number) => {
    const ahead = view.aheadS(cut);
    return ahead < view.queueS(ahead) + costFactor * view.costS(text) + marginS;
  };
  // Under contention, a chunk long enough to hold a worker for chunkHoldS ends at its next cut.
  const holdsTooLong = (text: string) =>
    options.chunkHoldS > 0 && view.costS(text) >= options.chunkHoldS && view.contended();
  const wanted = (text: string, cut: readonly string[]) =>
    holdsTooLong(text) || slack(text, cut, factor, margin);
  return {
    holdShortOpening,
    // A turn's first chunk may end at a plain word from 6 words, as later ones (below).
    minWordCutWords: OPENING_WORD_CUT_WORDS,
    minBreakCutWords: BREAK_CUT_WORDS,
    clauseWanted: wanted,
    breakCutWanted: (text, cut, first) => first || wanted(text, cut),
    wordCutWanted: (text, cut, first) =>
      first ||
      (wordCount(text) >= WORD_CUT_WORDS &&
        (holdsTooLong(text) || slack(text, cut, 1, WORD_CUT_MARGIN_S))),
  };
}
