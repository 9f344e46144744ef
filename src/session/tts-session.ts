// The streaming session every door shares (REST chunk, WebSocket, SSE, OpenAI): text arrives in
// pieces, each finished sentence is scheduled by its playback deadline, and audio leaves in order.
import { randomUUID } from 'node:crypto';
import type { SessionEngine } from '../engine/engine.js';
import type { TurnSplit } from './barge-in.js';
import { chunkingRules } from './chunk-policy.js';
import { ChunkTrace } from './chunk-trace.js';
import { Mutex } from './mutex.js';
import { PlaybackClock } from './playback-clock.js';
import { Segmenter } from './segmenter.js';
import {
  deliveredOf,
  SessionBufferFullError,
  SessionEndedError,
  type ChunkEvent,
  type TtsSessionEvent,
} from './session-events.js';
import { SynthesisQueue } from './synthesis-queue.js';
import { TurnGate, type TurnNotice } from './turn-admission.js';
import { TurnRecord, type Delivered } from './turn-record.js';
import {
  checkSpeed,
  resolveTtsSessionOptions,
  type ResolvedTtsSessionOptions,
  type TtsSessionOptions,
} from './tts-session-options.js';

export {
  DEFAULT_TTS_SESSION_OPTIONS,
  resolveTtsSessionOptions,
  type TtsSessionOptions,
} from './tts-session-options.js';

/**
 * Consume it with `for await (const ev of session)` or, for request/response doors, with
 * `collect(pushText(...))` — one consumer at a time (a second one throws; check `hasConsumer`).
 * Leaving the loop early (`break`) drops pending work (dropUndelivered()); the unfinished sentence
 * stays for whoever goes on writing. Engine failures arrive as
 * `error` events for their sentence; the session stays usable.
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
  private consumer = false;
  private cancelEpoch = 0;
  private waiters: Array<() => void> = [];

  private readonly clock: PlaybackClock;
  /** The chunk-lifecycle trace (undefined unless the `trace` option is on). */
  readonly trace: ChunkTrace | undefined;
  /** Audio handed to the consumer since the last `flushed` (what a barge-in cuts). */
  private turn = new TurnRecord();
  /**
   * A `flushed` went out: the turn's audio is all delivered but usually still playing, so a
   * cancel until the next turn's first audio still cuts it.
   */
  private turnFlushed = false;
  /** The turn's slot under turn-level admission (none without it). */
  private readonly gate: TurnGate;
  /** Told when a turn waits for a slot and when it starts (the WebSocket door sends these). */
  onTurnNotice: ((notice: TurnNotice) => void) | undefined;
  /** merge: the wait for the text after a held short opening. */
  private openingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly engine: SessionEngine,
    options: TtsSessionOptions,
  ) {
    this.options = resolveTtsSessionOptions(options);
    this.voice = this.options.voice;
    this.speed = this.options.speed;
    const now = () => engine.now();
    const oneshot = this.options.schedule === 'oneshot';
    this.clock = new PlaybackClock(now, oneshot ? now() + this.options.oneshotSlackMs : undefined);
    this.trace = this.options.trace ? new ChunkTrace(now) : undefined;
    const view = {
      aheadS: (cut: readonly string[]) => this.aheadWith(cut),
      costS: (text: string) => this.costOf(text),
      queueS: (inS: number) => engine.queueAheadS(now() + inS * 1000),
    };
    this.segmenter = new Segmenter({
      firstChunk: this.options.firstChunk,
      ...chunkingRules(view, this.options),
    });
    const { modelId, normalize, maxInFlight, maxBufferedChunks, onChunk, onDeliver } = this.options;
    this.queue = new SynthesisQueue(engine, {
      sessionId: this.id,
      ...{ modelId, normalize, maxInFlight, maxBufferedChunks, onChunk, onDeliver },
      onChange: () => this.notify(),
      clock: this.clock,
      scheduleKind: this.options.schedule,
      trace: this.trace,
    });
    this.gate = new TurnGate(this.options.admitTurn, {
      hold: (held) => this.queue.setHeld(held),
      notice: (notice) => this.onTurnNotice?.(notice),
      now,
    });
  }

  /** Queues chunks; the first of a turn takes a turn slot first (or waits in line for one). */
  private enqueue(texts: readonly string[]): number[] {
    if (texts.length > 0) this.gate.opening();
    return this.queue.enqueue(texts, this.settings);
  }

  /** The listener reports how many seconds of this turn's audio it has played. */
  reportPlayed(playedS: number): void {
    if (Number.isFinite(playedS) && playedS >= 0) this.clock.reportPlayed(playedS);
  }

  private costOf(text: string): number {
    return this.engine.estimateCostS(this.options.modelId, text);
  }

  /** aheadS, counting chunks the segmenter has just cut and not yet handed over. */
  private aheadWith(cut: readonly string[]): number {
    let s = this.queue.aheadS();
    for (const text of cut) s += this.engine.estimateAudioS(this.options.modelId, text);
    return s;
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
    return this.consumer;
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
    if (!this.segmenter.holdingOpening || this.openingTimer) return;
    const epoch = this.cancelEpoch;
    this.openingTimer = setTimeout(() => {
      this.openingTimer = undefined;
      if (this.isEnded || epoch !== this.cancelEpoch) return;
      this.enqueue(this.segmenter.releaseOpening());
    }, this.options.shortOpeningWaitMs);
    this.openingTimer.unref();
  }

  private stopAwaitingOpening(): void {
    clearTimeout(this.openingTimer);
    this.openingTimer = undefined;
  }

  /** Synthesizes everything buffered; a `flushed` event follows its audio. Starts a new turn. */
  flush(): number[] {
    this.assertOpen();
    this.stopAwaitingOpening();
    const seqs = this.enqueue(this.segmenter.flush());
    this.queue.markFlushed();
    return seqs;
  }

  /** Flushes, and the iterator completes after the last chunk. Later pushes throw. */
  end(): number[] {
    if (this.isEnded) return [];
    const seqs = this.flush();
    this.ended = true;
    this.notify();
    return seqs;
  }

  /**
   * Barge-in: drops buffered text and every undelivered chunk; in-flight results are discarded.
   * Returns the turn's text cut after `playedS` seconds of its delivered audio (undefined: all of
   * it was heard): what the listener heard, and everything else, the dropped text included.
   * `unsentSeq`: a chunk the door took but has not sent (it drops it): not heard, not delivered.
   */
  cancel(playedS?: number, unsentSeq?: number): TurnSplit {
    const unsent = unsentSeq === undefined ? [] : this.turn.withdraw(unsentSeq);
    const pending = [
      ...unsent,
      ...this.queue.undeliveredTexts(),
      this.segmenter.bufferedText.trim(),
    ];
    const split = this.turn.split(pending, playedS);
    this.segmenter.reset();
    this.dropUndelivered();
    return split;
  }

  /**
   * Drops every chunk not yet delivered (queued, running or held) and ends the turn, but keeps the
   * text still being written: what a consumer that leaves was alone in waiting for. A REST client
   * whose SSE subscriber went away goes on writing its sentence; cancel() drops that text too.
   */
  dropUndelivered(): void {
    this.turn = new TurnRecord();
    this.turnFlushed = false;
    // The dropped turn is over: playback reports count the next turn's audio from zero.
    this.clock.endTurn();
    this.stopAwaitingOpening();
    this.cancelEpoch++;
    this.queue.clear();
    this.gate.release();
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
    this.stopAwaitingOpening();
    this.segmenter.reset();
    this.cancelEpoch++;
    this.closed = true;
    this.queue.stop();
    this.gate.release();
    this.notify();
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
  async collect<T = ChunkEvent>(
    seqs: readonly number[],
    signal?: AbortSignal,
    keep: (ev: ChunkEvent) => T = (ev) => ev as T,
  ): Promise<T[]> {
    if (seqs.length === 0) return [];
    this.claimConsumer();
    const wanted = new Set(seqs);
    const got: T[] = [];
    const epoch = this.cancelEpoch;
    const onAbort = () => this.notify();
    signal?.addEventListener('abort', onAbort);
    try {
      while (wanted.size > 0) {
        const ev = await this.nextEvent(
          () => this.cancelEpoch !== epoch || signal?.aborted === true,
        );
        if (ev === undefined) break;
        if (ev.type !== 'flushed' && wanted.delete(ev.seq)) got.push(keep(ev));
      }
      // The turn's end right behind its last chunk is taken too: it gives back the turn's slot.
      while (wanted.size === 0 && this.queue.flushedNext) await this.nextEvent(() => false);
      return got;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.consumer = false;
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<TtsSessionEvent> {
    this.claimConsumer();
    let finished = false;
    const finish = (): IteratorReturnResult<undefined> => {
      finished = true;
      this.consumer = false;
      return { done: true, value: undefined };
    };
    return {
      next: async () => {
        if (finished) return { done: true, value: undefined };
        const ev = await this.nextEvent(() => finished);
        if (finished) return { done: true, value: undefined };
        return ev === undefined ? finish() : { done: false, value: ev };
      },
      return: async () => {
        // The consumer left early (break, socket closed): nobody wants the pending audio. The
        // text still being written is the producer's (a REST client's), and stays.
        if (!finished) {
          finish();
          this.dropUndelivered();
        }
        return { done: true, value: undefined };
      },
    };
  }

  private claimConsumer(): void {
    if (this.consumer) throw new Error(`session ${this.id} already has a consumer`);
    this.consumer = true;
  }

  private assertOpen(): void {
    if (this.isEnded) throw new SessionEndedError();
  }

  /** The next deliverable event, or undefined when the stream is over or `stop()` says so. */
  private async nextEvent(stop: () => boolean): Promise<TtsSessionEvent | undefined> {
    for (;;) {
      if (stop()) return undefined;
      const ev = this.queue.take();
      if (ev?.type === 'flushed') this.turnFlushed = true;
      if (ev?.type === 'audio') this.noteDelivered(ev.seq, deliveredOf(ev));
      // A failed sentence stays in its place in the turn: no audio, nothing heard of it.
      if (ev?.type === 'error') {
        const audio = { text: ev.text, durationS: 0, words: [] };
        this.noteDelivered(ev.seq, { audio, wordCount: 0 });
      }
      // The turn's audio is all out and no new one has begun: its slot goes to the next turn.
      if (ev?.type === 'flushed' && this.queue.betweenTurns && this.segmenter.bufferedText === '')
        this.gate.release();
      if (ev !== undefined) return ev;
      if (this.closed || (this.ended && this.queue.isEmpty)) return undefined;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Keeps what a barge-in needs of delivered audio: text, duration, words (never the samples). */
  private noteDelivered(seq: number, delivered: Delivered): void {
    if (this.turnFlushed) this.turn = new TurnRecord();
    this.turnFlushed = false;
    this.turn.add(seq, delivered);
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
