// A session's sentences on their way through its lane: submitted in order within the in-flight and
// held-results limits (backpressure), taken out strictly in seq order whatever order they finish in.
import type { Lane, Synthesis } from '../engine/engine.js';
import {
  audioEventOf,
  errorEventOf,
  type ChunkEvent,
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
}

interface Job {
  readonly kind: 'chunk';
  readonly seq: number;
  readonly text: string;
  readonly voice: string;
  readonly speed: number;
  state: 'queued' | 'running' | 'done';
  discarded: boolean;
  event?: ChunkEvent;
  readonly controller: AbortController;
}
type Item = Job | { readonly kind: 'flushed' };

export class SynthesisQueue {
  /** Undelivered output in delivery order; jobs are submitted in this order too. */
  private readonly items: Item[] = [];
  private nextSeq = 0;
  /** Submitted and not settled, discarded ones included: they still occupy the lane. */
  private inFlight = 0;
  private queuedTextChars = 0;
  private stopped = false;

  constructor(
    private readonly lane: Lane,
    private readonly options: SynthesisQueueOptions,
  ) {}

  /** Text of sentences not yet submitted to the lane. */
  get queuedChars(): number {
    return this.queuedTextChars;
  }

  get busy(): boolean {
    return this.inFlight > 0;
  }

  get isEmpty(): boolean {
    return this.items.length === 0;
  }

  /** Queues one job per sentence with these settings; returns their seq numbers. */
  enqueue(texts: readonly string[], settings: { voice: string; speed: number }): number[] {
    const seqs: number[] = [];
    for (const text of texts) {
      const seq = this.nextSeq++;
      const controller = new AbortController();
      this.items.push({ kind: 'chunk', seq, text, ...settings, state: 'queued', discarded: false, controller }); // prettier-ignore
      this.queuedTextChars += text.length;
      seqs.push(seq);
    }
    this.pump();
    return seqs;
  }

  /** A `flushed` event, delivered after everything queued before it. */
  markFlushed(): void {
    this.items.push({ kind: 'flushed' });
    this.options.onChange();
  }

  /** The head event if it is ready (finished or a marker), removed from the queue. */
  take(): TtsSessionEvent | undefined {
    const head = this.items[0];
    if (head?.kind === 'flushed') {
      this.items.shift();
      return { type: 'flushed' };
    }
    if (head?.event === undefined) return undefined;
    this.items.shift();
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
    this.options.onChange();
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
        if (this.stopped || this.inFlight >= this.options.maxInFlight) return;
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
    let result: Promise<Synthesis>;
    try {
      result = this.lane.synthesize({ modelId, text, voice, speed, normalize, signal: job.controller.signal }); // prettier-ignore
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
    this.report(job, performance.now() - startedAt, synthesis);
    if (!job.discarded) {
      job.state = 'done';
      job.event = synthesis
        ? audioEventOf(job.seq, job.text, synthesis)
        : errorEventOf(job.seq, job.text, err);
    }
    this.pump();
    this.options.onChange();
  }

  private report(job: Job, latencyMs: number, synthesis: Synthesis | undefined): void {
    const { onChunk, sessionId } = this.options;
    if (!onChunk) return;
    try {
      onChunk({
        sessionId,
        seq: job.seq,
        chars: job.text.length,
        outcome: job.discarded ? 'discarded' : synthesis ? 'ok' : 'error',
        durationS: synthesis?.durationS ?? 0,
        latencyMs,
        timings: synthesis?.timings,
      });
    } catch {
      // A stats hook must never break audio delivery.
    }
  }
}
