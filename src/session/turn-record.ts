// What a barge-in needs of a turn's delivered audio (text, duration, words, never the samples),
// bounded by a constant however long the turn runs without a flush.
import { splitTurn, type DeliveredAudio, type TurnSplit } from './barge-in.js';
import type { deliveredOf } from './session-events.js';

/**
 * Words a turn keeps with their timings (about 64 bytes each); audio delivered past that keeps
 * its text and duration only, so a cut there is at a sentence's start.
 */
const MAX_TURN_WORDS = 10_000;
/** Text a turn keeps for barge-in; past that its oldest sentences are forgotten. */
const MAX_TURN_CHARS = 200_000;

export type Delivered = ReturnType<typeof deliveredOf>;

/**
 * What a barge-in needs of a turn's delivered audio, bounded by a constant however long the turn
 * runs without a flush: the first MAX_TURN_WORDS words keep their timings (later audio is cut at
 * a sentence's start), and past MAX_TURN_CHARS of text the oldest sentences are forgotten (their
 * duration still counts, so `played_s` keeps its meaning).
 */
export class TurnRecord {
  private entries: DeliveredAudio[] = [];
  private words = 0;
  private chars = 0;
  private forgottenS = 0;
  private lastSeq: number | undefined;
  /** Words each entry holds (its words are computed only when a cut needs them). */
  private counts: number[] = [];

  add(seq: number, { audio, wordCount }: Delivered): void {
    this.lastSeq = seq;
    const timed = this.words + wordCount <= MAX_TURN_WORDS;
    if (timed) this.words += wordCount;
    const { text, durationS } = audio;
    this.entries.push(timed ? audio : { text, durationS, words: [] });
    this.counts.push(timed ? wordCount : 0);
    this.chars += text.length;
    while (this.chars > MAX_TURN_CHARS && this.entries.length > 1) {
      const old = this.entries.shift()!;
      this.chars -= old.text.length;
      this.words -= this.counts.shift()!;
      this.forgottenS += old.durationS;
    }
  }

  /** Takes back the last chunk if it is `seq` (never sent after all): its text, or nothing. */
  withdraw(seq: number): string[] {
    if (this.lastSeq !== seq || this.entries.length === 0) return [];
    this.lastSeq = undefined;
    const last = this.entries.pop()!;
    this.chars -= last.text.length;
    this.words -= this.counts.pop()!;
    return [last.text];
  }

  split(pending: readonly string[], playedS?: number): TurnSplit {
    const kept = playedS === undefined ? undefined : Math.max(0, playedS - this.forgottenS);
    return splitTurn(this.entries, pending, kept);
  }
}
