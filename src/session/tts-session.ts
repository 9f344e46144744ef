// The streaming session every door shares (REST chunk, WebSocket, SSE, OpenAI): text arrives in
// pieces, each finished sentence is scheduled by its playback deadline, and audio leaves in order.
import { randomUUID } from 'node:crypto';
import type { SessionEngine } from '../engine/engine.js';
import type { TurnSplit } from './barge-in.js';
import { chunkingRules } from './chunk-policy.js';
import { ChunkTrace } from './chunk-trace.js';
import { chunkView } from './chunk-view.js';
import { Mutex } from './mutex.js';
import { OpeningWait } from './opening-wait.js';
import { PlaybackClock } from './playback-clock.js';
import { Segmenter } from './segmenter.js';
import {
  collectEvents,
  consumeEvents,
  dropOnLeave,
  ConsumerSlot,
  Wakeup,
  type EventSource,
  type SessionConsumer,
} from './session-consumer.js';
import {
  SessionBufferFullError,
  SessionEndedError,
  type ChunkEvent,
  type TtsSessionEvent,
} from './session-events.js';
import { SynthesisQueue } from './synthesis-queue.js';
import { TurnGate, type TurnNotice } from './turn-admission.js';
import { TurnBook } from './turn-book.js';
import {
  checkSpeed,
  resolveTtsSessionOptions,
  type ResolvedTtsSessionOptions,
  type TtsSessionOptions,
} from './tts-session-options.js';

export type { TtsSessionOptions } from './tts-session-options.js';

/**
 * Consume it with `events()` (doors: leaving drops nothing, the door says what its leaving means),
 * `for await (const ev of session)` (a `break` drops pending work: dropUndelivered()), or, for
 * request/response doors, `collect(pushText(...))` — one consumer at a time (a second one throws;
 * check `hasConsumer`). Engine failures arrive as `error` events for their sentence; the session
 * stays usable.
 */
export class TtsSession implements AsyncIterable<TtsSessionEvent> {
  readonly id = randomUUID();
  private readonly options: ResolvedTtsSessionOptions;
  private readonly segmenter: Segmenter;
  private readonly mutex = new Mutex();
  private readonly queue: SynthesisQueue;
  private voice: string;
  private speed: number;
  private ended = false;
  private closed = false;
  private readonly consumer = new ConsumerSlot();
  private cancelEpoch = 0;
  private readonly wakeup = new Wakeup();
  /** What collect() and events() read. */
  private readonly source: EventSource;

  private readonly clock: PlaybackClock;
  /** The chunk-lifecycle trace (undefined unless the `trace` option is on). */
  readonly trace: ChunkTrace | undefined;
  /** The current turn: what the listener was handed of it (what a barge-in cuts), its slot. */
  private readonly turn: TurnBook;
  /** Told when a turn waits for a slot and when it starts (the WebSocket door sends these). */
  onTurnNotice: ((notice: TurnNotice) => void) | undefined;
  private readonly opening: OpeningWait;

  constructor(engine: SessionEngine, options: TtsSessionOptions) {
    this.options = resolveTtsSessionOptions(options);
    this.voice = this.options.voice;
    this.speed = this.options.speed;
    const now = () => engine.now();
    const oneshot = this.options.schedule === 'oneshot';
    this.clock = new PlaybackClock(now, oneshot ? now() + this.options.oneshotSlackMs : undefined);
    this.trace = this.options.trace ? new ChunkTrace(now) : undefined;
    const { modelId, normalize, maxInFlight, maxBufferedChunks, onChunk, onDeliver } = this.options;
    const view = chunkView(engine, modelId, () => this.queue.aheadS(), this.options.contended);
    this.segmenter = new Segmenter({
      firstChunk: this.options.firstChunk,
      ...chunkingRules(view, this.options),
    });
    this.queue = new SynthesisQueue(engine, {
      sessionId: this.id,
      ...{ modelId, normalize, maxInFlight, maxBufferedChunks, onChunk, onDeliver },
      onChange: () => this.wakeup.notify(),
      clock: this.clock,
      scheduleKind: this.options.schedule,
      trace: this.trace,
    });
    const gate = new TurnGate(this.options.admitTurn, {
      hold: (held) => this.queue.setHeld(held),
      notice: (notice) => this.onTurnNotice?.(notice),
      now,
    });
    this.turn = new TurnBook(gate, this.clock);
    this.opening = new OpeningWait(this.options.shortOpeningWaitMs);
    this.source = {
      id: this.id,
      generation: () => this.cancelEpoch,
      flushedNext: () => this.queue.flushedNext,
      take: () => this.take(),
      over: () => this.closed || (this.ended && this.queue.isEmpty),
      wakeup: this.wakeup,
    };
  }

  private enqueue(texts: readonly string[]): number[] {
    this.turn.queued(texts);
    return this.queue.enqueue(texts, this.settings);
  }

  /** The listener reports how many seconds of this turn's audio it has played. */
  reportPlayed(playedS: number): void {
    if (Number.isFinite(playedS) && playedS >= 0) this.clock.reportPlayed(playedS);
  }

  /** Seconds of audio ahead of the listener (delivered and unplayed, plus undelivered sentences). */
  get aheadS(): number {
    return this.queue.aheadS();
  }

  /** Text of the sentence not finished yet. */
  get bufferedText(): string {
    return this.segmenter.bufferedText;
  }

  get hasConsumer(): boolean {
    return this.consumer.taken;
  }

  /**
   * Work is under way (the registry does not expire such a session). An attached consumer alone
   * does not count: a silent SSE subscriber must not keep an idle session alive forever.
   */
  get busy(): boolean {
    return this.queue.busy;
  }

  get isEnded(): boolean {
    return this.ended || this.closed;
  }

  get settings(): { voice: string; speed: number } {
    return { voice: this.voice, speed: this.speed };
  }

  /** Appends text; returns the seq numbers of the sentences it completed (and flushed). */
  pushText(text: string, options: { flush?: boolean } = {}): number[] {
    this.assertOpen();
    const waiting = this.queue.queuedChars + this.segmenter.bufferedText.length + text.length;
    if (waiting > this.options.maxBufferedChars)
      throw new SessionBufferFullError(this.options.maxBufferedChars);
    const seqs = this.enqueue(this.segmenter.push(text));
    if (options.flush) seqs.push(...this.flush());
    else this.awaitOpening();
    return seqs;
  }

  /** merge: a short opening held back goes out alone if nothing follows it within the wait. */
  private awaitOpening(): void {
    if (!this.segmenter.holdingOpening) return;
    const epoch = this.cancelEpoch;
    this.opening.start(() => {
      if (this.isEnded || epoch !== this.cancelEpoch) return;
      this.enqueue(this.segmenter.releaseOpening());
    });
  }

  /** Synthesizes everything buffered; a `flushed` event follows its audio. Starts a new turn. */
  flush(): number[] {
    this.assertOpen();
    this.opening.stop();
    const seqs = this.enqueue(this.segmenter.flush());
    this.queue.markFlushed();
    return seqs;
  }

  /** Flushes, and the iterator completes after the last chunk. Later pushes throw. */
  end(): number[] {
    if (this.isEnded) return [];
    const seqs = this.flush();
    this.ended = true;
    this.wakeup.notify();
    return seqs;
  }

  /**
   * Barge-in: drops buffered text and every undelivered chunk; in-flight results are discarded.
   * Returns the turn's text cut after `playedS` seconds of its delivered audio (undefined: all of
   * it was heard): what the listener heard, and everything else, the dropped text included.
   * `unsentSeq`: a chunk the door took but has not sent (it drops it): not heard, not delivered.
   */
  cancel(playedS?: number, unsentSeq?: number): TurnSplit {
    const pending = [...this.queue.undeliveredTexts(), this.segmenter.bufferedText.trim()];
    const split = this.turn.split(pending, playedS, unsentSeq);
    this.segmenter.reset();
    this.dropUndelivered();
    return split;
  }

  /**
   * Drops every chunk not yet delivered (queued, running or held) and ends the turn, but keeps the
   * text still being written: what a consumer that leaves was alone in waiting for. A REST client
   * whose SSE subscriber went away goes on writing its sentence; cancel() drops that text too.
   * The door whose consumer left calls it (a consumer's leaving drops nothing by itself).
   */
  dropUndelivered(): void {
    this.turn.drop();
    this.opening.stop();
    this.cancelEpoch++;
    this.queue.clear();
    this.turn.release();
  }

  /** Counts cancels and closes: an event taken before it changed belongs to a dropped turn. */
  get generation(): number {
    return this.cancelEpoch;
  }

  /** New voice/speed for text pushed from now on (the unfinished sentence included). */
  configure(settings: { voice?: string; speed?: number }): void {
    if (settings.speed !== undefined) checkSpeed(settings.speed);
    this.voice = settings.voice ?? this.voice;
    this.speed = settings.speed ?? this.speed;
  }

  /** Drops all work; a waiting consumer completes. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.opening.stop();
    this.segmenter.reset();
    this.cancelEpoch++;
    this.closed = true;
    this.queue.stop();
    this.turn.release();
    this.wakeup.notify();
    try {
      this.options.onClose?.();
    } catch {
      // A bookkeeping hook must not stop the close.
    }
  }

  /**
   * A real-time slot for one piece of work (admitRealtime), released by calling what it returns;
   * a session admitted for its whole life (or not real-time) needs none and gets a no-op.
   */
  holdRealtime(): () => void {
    return this.options.admitRealtime?.() ?? (() => undefined);
  }

  /** Runs `fn` after every earlier runExclusive caller has finished (serializes REST calls). */
  runExclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    return this.mutex.runExclusive(fn);
  }

  /**
   * Waits for exactly these chunks (seqs from pushText/flush/end) and returns their events in
   * order; earlier undelivered events are dropped on the way. Returns early (with what it has) on
   * cancel, close or abort of `signal`. Each event is kept as `keep` makes it, as it arrives (the
   * REST door keeps PCM16 WAV bytes, so no float audio waits for the last chunk).
   */
  collect<T = ChunkEvent>(
    seqs: readonly number[],
    signal?: AbortSignal,
    keep: (ev: ChunkEvent) => T = (ev) => ev as T,
  ): Promise<T[]> {
    return collectEvents(this.source, this.consumer, { seqs, signal, keep });
  }

  /** The events, for one consumer; leaving (return()) frees the session and drops nothing. */
  events(): SessionConsumer {
    return consumeEvents(this.source, this.consumer);
  }

  /** `for await`: a loop left early (`break`) drops the pending audio (dropUndelivered()). */
  [Symbol.asyncIterator](): AsyncIterator<TtsSessionEvent> {
    return dropOnLeave(this.events(), () => this.dropUndelivered());
  }

  private assertOpen(): void {
    if (this.isEnded) throw new SessionEndedError();
  }

  /** The next deliverable event, noted in the turn's record as it leaves. */
  private take(): TtsSessionEvent | undefined {
    const ev = this.queue.take();
    const between = () => this.queue.betweenTurns && this.segmenter.bufferedText === '';
    if (ev !== undefined) this.turn.delivered(ev, between);
    return ev;
  }
}
