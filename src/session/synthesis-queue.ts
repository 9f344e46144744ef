// A session's sentences on their way through the engine: submitted in order within the in-flight
// and held-results limits (backpressure), taken out strictly in seq order whatever order they
// finish in. Each carries its playback deadline: when the audio before it will have played out.
import type { JobKind, SessionEngine, Synthesis } from '../engine/engine.js';
import type { ChunkTrace } from './chunk-trace.js';
import type { PlaybackClock } from './playback-clock.js';
import { reportSettled, type QueuedSentence } from './queued-sentence.js';
import {
  audioEventOf,
  errorEventOf,
  type SessionChunkInfo,
  type TtsSessionEvent,
} from './session-events.js';

export interface SynthesisQueueOptions {
  sessionId: string;
  modelId: string;
  normalize: boolean;
  maxInFlight: number;
  maxBufferedChunks: number;
  onChunk?: ((info: SessionChunkInfo) => void) | undefined;
  /** Called whenever something may have become ready to take. */
  onChange: () => void;
  clock: PlaybackClock;
  onDeliver?: ((aheadS: number) => void) | undefined;
  /** realtime: a listener plays the audio as it comes; oneshot: a whole answer is awaited. */
  scheduleKind: JobKind;
  /** The chunk-lifecycle trace, when it is on. */
  trace?: ChunkTrace | undefined;
}

type Job = QueuedSentence;
type Item = Job | { readonly kind: 'flushed' };

export class SynthesisQueue {
  /** Undelivered output in delivery order; jobs are submitted in this order too. */
  private readonly items: Item[] = [];
  private nextSeq = 0;
  /** Submitted and not settled, discarded ones included: they still occupy a worker. */
  private inFlight = 0;
  private queuedTextChars = 0;
  private stopped = false;
  /** The next sentence opens a turn (nothing enqueued since the last flush or cancel). */
  private turnOpen = true;
  /** Whether the current turn's first sentence was cached, until its second is enqueued. */
  private opener: { readonly cached: boolean } | undefined;
  private held = false;

  constructor(
    private readonly engine: SessionEngine,
    private readonly options: SynthesisQueueOptions,
  ) {}

  /** Text of sentences not yet submitted to the engine. */
  get queuedChars(): number {
    return this.queuedTextChars;
  }

  get busy(): boolean {
    return this.inFlight > 0;
  }

  get isEmpty(): boolean {
    return this.items.length === 0;
  }

  /** Every chunk is delivered and the last turn was flushed (or cancelled): no turn is under way. */
  get betweenTurns(): boolean {
    return this.turnOpen && this.items.every((item) => item.kind !== 'chunk');
  }

  /** The next event to take is a `flushed` marker. */
  get flushedNext(): boolean {
    return this.items[0]?.kind === 'flushed';
  }

  /** Held: nothing more is submitted to the engine (a turn waiting for admission). */
  setHeld(held: boolean): void {
    if (this.held === held) return;
    this.held = held;
    if (!held) this.pump();
  }

  /** Queues one job per sentence with these settings; returns their seq numbers. */
  enqueue(
    texts: readonly string[],
    settings: { voice: string; speed: number },
    textAtMs = this.engine.now(),
  ): number[] {
    const seqs: number[] = [];
    for (const text of texts) {
      const seq = this.nextSeq++;
      const controller = new AbortController();
      const job: Job = {
        kind: 'chunk',
        seq,
        text,
        ...settings,
        readyAtMs: this.engine.now(),
        opensTurn: this.turnOpen,
        hit: { cached: false },
        afterOpener: this.turnOpen ? undefined : this.opener,
        ...{ state: 'queued' as const, discarded: false, controller },
      };
      this.items.push(job);
      this.opener = this.turnOpen ? job.hit : undefined;
      this.options.trace?.enqueued(seq, text.length, job.opensTurn, textAtMs);
      this.turnOpen = false;
      this.queuedTextChars += text.length;
      seqs.push(seq);
    }
    this.pump();
    return seqs;
  }

  /** Text of every sentence not delivered yet (queued, running or finished and held), in order. */
  undeliveredTexts(): string[] {
    return this.items.flatMap((item) => (item.kind === 'chunk' ? [item.text] : []));
  }

  /**
   * A `flushed` event, delivered after everything queued before it. Consecutive flushes with
   * nothing queued between them make one marker: the markers can be no more than the chunks, so
   * a client that flushes in a loop (or a consumer that does not read) cannot pile them up.
   */
  markFlushed(): void {
    this.turnOpen = true;
    if (this.items.at(-1)?.kind === 'flushed') return;
    this.items.push({ kind: 'flushed' });
    this.options.onChange();
  }

  /** The head event if it is ready (finished or a marker), removed from the queue. */
  take(): TtsSessionEvent | undefined {
    const head = this.items[0];
    if (head?.kind === 'flushed') {
      this.items.shift();
      this.options.clock.endTurn();
      this.options.trace?.endTurn();
      return { type: 'flushed' };
    }
    if (head?.event === undefined) return undefined;
    this.items.shift();
    if (head.event.type === 'audio') this.deliver(head.event.durationS);
    this.pump(); // a result left: room for the next submission
    return head.event;
  }

  /** Drops everything undelivered; in-flight work is aborted and its results discarded. */
  clear(): void {
    for (const item of this.items) {
      if (item.kind !== 'chunk') continue;
      item.discarded = true;
      if (item.state === 'running') item.controller.abort();
    }
    this.items.length = 0;
    this.queuedTextChars = 0;
    this.turnOpen = true;
    this.options.trace?.endTurn();
    this.options.onChange();
  }

  private deliver(durationS: number): void {
    const { clock, onDeliver } = this.options;
    try {
      onDeliver?.(clock.aheadS());
    } catch {
      // A metrics hook must never break audio delivery.
    }
    clock.delivered(durationS);
  }

  /** Seconds of audio ahead of the listener: unplayed delivered audio + undelivered sentences. */
  aheadS(): number {
    let s = this.options.clock.aheadS();
    for (const item of this.items) if (item.kind === 'chunk') s += this.audioOf(item);
    return s;
  }

  /**
   * When this job's audio is needed: the listener's audio runs out (or, if it already has, when the
   * oldest undelivered sentence became ready), then every undelivered sentence before it plays.
   */
  private neededAtMs(job: Job): number {
    // The turn's first audio came from the cache at once, and may be as short as "Sure!": the
    // second sentence is due at once, as if it opened the turn.
    if (job.afterOpener?.cached) return job.readyAtMs;
    let t = this.options.clock.playEndMs;
    let head = true;
    for (const item of this.items) {
      if (item.kind !== 'chunk') continue;
      if (head) t = Math.max(t, item.readyAtMs);
      head = false;
      if (item === job) return t;
      t += this.audioOf(item) * 1000;
    }
    return t; // dropped meanwhile: its deadline no longer matters
  }

  private audioOf(job: Job): number {
    if (job.event?.type === 'audio') return job.event.durationS;
    return this.engine.estimateAudioS(this.options.modelId, job.text);
  }

  /** clear(), and nothing is submitted any more. */
  stop(): void {
    this.stopped = true;
    this.clear();
  }

  /** Submits queued jobs in order while both the in-flight and the held-results limits allow. */
  private pump(): void {
    let held = 0; // running or finished results not yet taken (jobs are submitted in order)
    for (const item of this.items) {
      if (item.kind !== 'chunk') continue;
      if (item.state === 'queued') {
        if (this.stopped || this.held || this.inFlight >= this.options.maxInFlight) return;
        if (held >= this.options.maxBufferedChunks) return;
        this.submit(item);
      }
      held++;
    }
  }

  private submit(job: Job): void {
    job.state = 'running';
    this.inFlight++;
    this.queuedTextChars -= job.text.length;
    const startedAt = performance.now();
    const { modelId, normalize } = this.options;
    const { text, voice, speed } = job;
    const schedule = {
      kind: this.options.scheduleKind,
      neededAtMs: () => this.neededAtMs(job),
      group: this.options.sessionId,
      opensTurn: job.opensTurn,
      onDispatch: this.options.trace
        ? (worker: number, deadlineMs: number) =>
            this.options.trace?.dispatched(job.seq, worker, deadlineMs)
        : undefined,
    };
    let result: Promise<Synthesis>;
    try {
      result = this.engine.synthesize({ modelId, text, voice, speed, normalize, signal: job.controller.signal, schedule }); // prettier-ignore
    } catch (err) {
      result = Promise.reject(err);
    }
    result.then(
      (synthesis) => this.settle(job, startedAt, synthesis, undefined),
      (err: unknown) => this.settle(job, startedAt, undefined, err),
    );
  }

  private settle(
    job: Job,
    startedAt: number,
    synthesis: Synthesis | undefined,
    err: unknown,
  ): void {
    this.inFlight--;
    const timing = { latencyMs: performance.now() - startedAt, nowMs: this.engine.now() };
    reportSettled(this.options.onChunk, this.options.sessionId, job, timing, synthesis);
    if (!job.discarded) {
      if (synthesis) this.options.trace?.synthesized(job.seq, synthesis);
      job.hit.cached = synthesis?.cached === true;
      job.state = 'done';
      job.event = synthesis
        ? audioEventOf(job.seq, job.text, synthesis)
        : errorEventOf(job.seq, job.text, err);
    }
    this.pump();
    this.options.onChange();
  }
}
