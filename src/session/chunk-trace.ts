// The chunk-lifecycle trace (off by default): for each chunk of a session, when its text was
// complete, enqueued, dispatched (on which worker, against which deadline), synthesized, encoded,
// written to the socket, and when the listener is estimated to start playing it. Records live in a
// small ring per session, so a long session costs a constant; a listener (the WebSocket door) may
// see each stage as it happens. Which stage made a late chunk late is chunk-lateness.ts's job.
import { classifyLate, type LateCause } from './chunk-lateness.js';

export const TRACE_STAGES = [
  'text_complete',
  'enqueued',
  'dispatched',
  'synthesized',
  'encoded',
  'sent',
] as const;
export type TraceStage = (typeof TRACE_STAGES)[number];

/** One chunk's lifecycle; times are engine-clock ms (Engine.now). */
export interface ChunkTraceRecord {
  readonly seq: number;
  readonly chars: number;
  /** The chunk opens a turn: its wait is time to first audio, never an underrun. */
  readonly opensTurn: boolean;
  textCompleteMs: number;
  enqueuedMs: number;
  /** The scheduler's deadline for it when it was dispatched. */
  deadlineMs?: number;
  dispatchedMs?: number;
  worker?: number;
  /** Served from the synthesis cache (or a flight someone else started): no worker of its own. */
  cached?: boolean;
  synthesizedMs?: number;
  /** Pure synthesis time on its worker (front-end + inference), ms. */
  workerMs?: number;
  encodedMs?: number;
  sentMs?: number;
  /** When the listener's audio before it runs out (its deadline as playback sees it). */
  neededAtMs?: number;
  /** Estimated play-out start: it plays once it arrived and the audio before it is over. */
  playStartMs?: number;
  audioS?: number;
  /** Set when it arrived after the audio before it ran out (an underrun). */
  stallMs?: number;
  cause?: LateCause;
}

export interface TraceEvent {
  readonly stage: TraceStage;
  readonly record: Readonly<ChunkTraceRecord>;
}

export const DEFAULT_TRACE_CAPACITY = 256;

export class ChunkTrace {
  private readonly ring: ChunkTraceRecord[] = [];
  /** When the audio delivered so far in this turn runs out (undefined: a turn is opening). */
  private playEndMs: number | undefined;
  /** Told about each stage as it is reached; exceptions it throws are ignored. */
  listener: ((event: TraceEvent) => void) | undefined;

  constructor(
    private readonly now: () => number,
    private readonly capacity = DEFAULT_TRACE_CAPACITY,
  ) {}

  /** The records held (at most `capacity`, the newest), oldest first. */
  records(): readonly Readonly<ChunkTraceRecord>[] {
    return this.ring;
  }

  /** A chunk's text is complete (`textAtMs`: the deciding push) and it joins the queue now. */
  enqueued(seq: number, chars: number, opensTurn: boolean, textAtMs: number): void {
    const at = this.now();
    const record = {
      seq,
      chars,
      opensTurn,
      textCompleteMs: Math.min(textAtMs, at),
      enqueuedMs: at,
    };
    this.ring.push(record);
    if (this.ring.length > this.capacity) this.ring.shift();
    this.emit('text_complete', record);
    this.emit('enqueued', record);
  }

  dispatched(seq: number, worker: number, deadlineMs: number): void {
    this.update(seq, undefined, (r) => {
      if (r.dispatchedMs !== undefined) return false; // a later model chunk of the same sentence
      Object.assign(r, { dispatchedMs: this.now(), worker, deadlineMs });
      return true;
    });
  }

  /** Its audio is made: `generationS` on a worker, or none when `cached`. */
  synthesized(seq: number, how: { cached?: boolean; timings: { generationS: number } }): void {
    this.update(seq, 'synthesized', (r) => {
      r.synthesizedMs = this.now();
      r.cached = how.cached === true;
      r.workerMs = r.cached ? 0 : how.timings.generationS * 1000;
      return true;
    });
  }

  encoded(seq: number): void {
    this.update(seq, 'encoded', (r) => void (r.encodedMs = this.now()));
  }

  /** Written to the socket: the listener plays it after the audio before it. */
  sent(seq: number, audioS: number): void {
    this.update(seq, 'sent', (r) => {
      const at = this.now();
      r.sentMs = at;
      r.audioS = audioS;
      r.encodedMs ??= at;
      r.neededAtMs = r.opensTurn || this.playEndMs === undefined ? at : this.playEndMs;
      r.playStartMs = Math.max(at, r.neededAtMs);
      this.playEndMs = r.playStartMs + audioS * 1000;
      if (at > r.neededAtMs) {
        r.stallMs = at - r.neededAtMs;
        r.cause = classifyLate(r);
      }
    });
  }

  /** The turn is over (flushed or cancelled): the next chunk opens one. */
  endTurn(): void {
    this.playEndMs = undefined;
  }

  private update(
    seq: number,
    stage: TraceStage | undefined,
    change: (r: ChunkTraceRecord) => boolean | void,
  ): void {
    for (let i = this.ring.length - 1; i >= 0; i--) {
      const r = this.ring[i]!;
      if (r.seq !== seq) continue;
      const changed = change(r) !== false;
      if (changed) this.emit(stage ?? 'dispatched', r);
      return;
    }
  }

  private emit(stage: TraceStage, record: ChunkTraceRecord): void {
    try {
      this.listener?.({ stage, record });
    } catch {
      // A debugging aid must never break audio delivery.
    }
  }
}
