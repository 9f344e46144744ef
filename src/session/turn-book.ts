// Turn and barge-in bookkeeping: what the listener has been handed of the current turn (so a
// cancel can say which part was heard), the turn's admission slot, and when a turn is over.
import type { TurnSplit } from './barge-in.js';
import type { PlaybackClock } from './playback-clock.js';
import { deliveredOf, type TtsSessionEvent } from './session-events.js';
import type { TurnGate } from './turn-admission.js';
import { TurnRecord, type Delivered } from './turn-record.js';

export class TurnBook {
  /** Audio handed to the consumer since the last `flushed` (what a barge-in cuts). */
  private turn = new TurnRecord();
  /**
   * A `flushed` went out: the turn's audio is all delivered but usually still playing, so a
   * cancel until the next turn's first audio still cuts it.
   */
  private flushed = false;

  constructor(
    /** The turn's slot under turn-level admission (none without it). */
    private readonly gate: TurnGate,
    private readonly clock: PlaybackClock,
  ) {}

  /** Chunks are queued: the first of a turn takes a turn slot first (or waits in line for one). */
  queued(texts: readonly string[]): void {
    if (texts.length > 0) this.gate.opening();
  }

  /**
   * Notes an event handed to the consumer; `betweenTurns`: its turn's audio is all out and no
   * new turn has begun, so a `flushed` gives the turn's slot to the next turn.
   */
  delivered(ev: TtsSessionEvent, betweenTurns: () => boolean): void {
    if (ev.type === 'flushed') this.flushed = true;
    if (ev.type === 'audio') this.add(ev.seq, deliveredOf(ev));
    // A failed sentence stays in its place in the turn: no audio, nothing heard of it.
    if (ev.type === 'error') {
      const audio = { text: ev.text, durationS: 0, words: [] };
      this.add(ev.seq, { audio, wordCount: 0 });
    }
    if (ev.type === 'flushed' && betweenTurns()) this.gate.release();
  }

  /**
   * The turn cut after `playedS` seconds of its delivered audio; `pending` is the text never
   * delivered; `unsentSeq` a chunk the door took but has not sent (not heard, not delivered).
   */
  split(pending: readonly string[], playedS?: number, unsentSeq?: number): TurnSplit {
    const unsent = unsentSeq === undefined ? [] : this.turn.withdraw(unsentSeq);
    return this.turn.split([...unsent, ...pending], playedS);
  }

  /** The turn was dropped: the next audio opens a new one (release() gives its slot back). */
  drop(): void {
    this.turn = new TurnRecord();
    this.flushed = false;
    // Playback reports count the next turn's audio from zero.
    this.clock.endTurn();
  }

  /** The turn's slot goes back (a dropped turn, a closed session). */
  release(): void {
    this.gate.release();
  }

  private add(seq: number, delivered: Delivered): void {
    if (this.flushed) this.turn = new TurnRecord();
    this.flushed = false;
    this.turn.add(seq, delivered);
  }
}
