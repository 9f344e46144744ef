// Where a session's listener is in its audio, as the server can know it: every delivered chunk
// extends the audio queued at the listener (real-time playback from the moment it arrives, or from
// where the previous audio ends), and a client may correct the estimate by reporting how much of
// the turn it has played. Deadlines of the session's next chunks are read from here.

export class PlaybackClock {
  /** Clock ms at which the audio delivered so far has finished playing. */
  private endMs: number;
  /** Audio delivered in the current turn (seconds), for playback reports. */
  private turnDeliveredS = 0;
  /** The turn is over (flushed or cancelled); the next delivered audio starts a new one. */
  private turnOver = false;

  /** `startsAtMs`: when playback may begin at the earliest (a one-shot's slack), default: now. */
  constructor(
    private readonly now: () => number,
    startsAtMs = Number.NEGATIVE_INFINITY,
  ) {
    this.endMs = startsAtMs;
  }

  /** When the delivered audio runs out (may be in the past: the listener is waiting). */
  get playEndMs(): number {
    return this.endMs;
  }

  /** Seconds of delivered audio not yet played. */
  aheadS(): number {
    return Math.max(0, this.endMs - this.now()) / 1000;
  }

  /** A chunk of `durationS` reached the listener now: it plays after what is queued there. */
  delivered(durationS: number): void {
    this.endMs = Math.max(this.endMs, this.now()) + durationS * 1000;
    if (this.turnOver) this.turnDeliveredS = 0;
    this.turnOver = false;
    this.turnDeliveredS += durationS;
  }

  /** The listener says it has played `playedS` of this turn's audio (stalls included). */
  reportPlayed(playedS: number): void {
    const left = Math.max(0, this.turnDeliveredS - playedS);
    this.endMs = this.now() + left * 1000;
  }

  /**
   * A turn's audio is all delivered (or cancelled). Reports still count that turn, usually still
   * playing, until the next turn's first audio is delivered: they count from zero from then on.
   */
  endTurn(): void {
    this.turnOver = true;
  }

  get deliveredInTurnS(): number {
    return this.turnDeliveredS;
  }
}
