// One scheduler over every worker: each job is one model chunk, and whenever a worker is free the
// policy picks the next job for it (by default earliest playback deadline first, edf-policy.ts).
// Jobs are never preempted (onnxruntime's run() blocks its thread), so keeping jobs small is what
// lets a deadline jump the queue. Queued jobs can be dropped on abort; a running one always ends.
// Clock and workers are injected, so the policy is tested with a fake clock and fake workers.
import { ShuttingDownError, TooManyRequestsError } from '../errors.js';
import { EDF_POLICY, type SchedulingPolicy } from './edf-policy.js';
import type { JobSpec, QueuedJob } from './jobs.js';

export type { JobKind, JobSpec, QueuedJob, WorkerView } from './jobs.js';

export interface SchedulerOptions {
  workers: number;
  /** Jobs waiting across all workers before new ones are refused with 429. */
  maxQueued?: number;
  policy?: SchedulingPolicy;
  /** Clock in ms (performance.now by default). */
  now?: () => number;
}

/** Starts `job` on `worker`; resolves with its result. */
export type RunJob<T> = (worker: number) => Promise<T>;

interface Entry extends QueuedJob {
  readonly run: RunJob<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: unknown) => void;
  onAbort?: () => void;
}

interface WorkerState {
  readonly id: number;
  busy: boolean;
  readonly warm: Set<string>;
  running: { job: QueuedJob; startedAtMs: number } | undefined;
  upkeep: { startedAtMs: number; estMs: number } | undefined;
}

export interface SchedulerStats {
  workers: number;
  busyWorkers: number;
  queued: number;
  completed: number;
}

export interface DispatchInfo {
  job: QueuedJob;
  worker: number;
  /** Clock ms at which the job started. */
  startedAtMs: number;
}

export class Scheduler {
  readonly policy: SchedulingPolicy;
  private readonly workers: WorkerState[];
  private readonly queue: Entry[] = [];
  private readonly maxQueued: number;
  private readonly now: () => number;
  private nextSeq = 0;
  private completed = 0;
  private closing = false;
  private lastRealtimeAtMs = Number.NEGATIVE_INFINITY;
  /** Told about each job as it starts (metrics: queue delay, lateness). */
  onDispatch: ((info: DispatchInfo) => void) | undefined;
  /** Told, with its worker, each time a job has ended (engine/idle-renewer.ts). */
  afterJob: ((worker: number) => void) | undefined;

  constructor(options: SchedulerOptions) {
    if (!Number.isInteger(options.workers) || options.workers < 1)
      throw new RangeError(`workers must be a positive integer, got ${options.workers}`);
    this.workers = Array.from({ length: options.workers }, (_, id) => ({
      id,
      busy: false,
      warm: new Set<string>(),
      running: undefined,
      upkeep: undefined,
    }));
    this.maxQueued = options.maxQueued ?? 64;
    this.policy = options.policy ?? EDF_POLICY;
    this.now = options.now ?? (() => performance.now());
  }

  get size(): number {
    return this.workers.length;
  }

  /** The clock the deadlines are read on. */
  clock(): number {
    return this.now();
  }

  stats(): SchedulerStats {
    return {
      workers: this.workers.length,
      busyWorkers: this.workers.filter((w) => w.busy).length,
      queued: this.queue.length,
      completed: this.completed,
    };
  }

  /**
   * Worker ms per worker of the work ahead of a chunk due at `deadlineMs`: what running jobs have
   * left (by their estimates) plus every queued real-time job due no later. It is how long such a
   * chunk would wait for a worker under earliest-deadline-first (one-shots yield to it).
   */
  backlogMs(deadlineMs: number): number {
    const now = this.now();
    let ms = 0;
    for (const w of this.workers) {
      if (w.running) ms += Math.max(0, w.running.job.estCostMs - (now - w.running.startedAtMs));
      if (w.upkeep) ms += Math.max(0, w.upkeep.estMs - (now - w.upkeep.startedAtMs));
    }
    for (const job of this.queue)
      if (job.kind === 'realtime' && job.deadlineMs() <= deadlineMs) ms += job.estCostMs;
    return ms / this.workers.length;
  }

  /** Queues a job; `run` is called with the chosen worker when the policy picks it. */
  submit<T>(spec: JobSpec, run: RunJob<T>): Promise<T> {
    if (this.closing) return Promise.reject(new ShuttingDownError());
    if (spec.signal?.aborted) return Promise.reject(spec.signal.reason);
    if (this.queue.length >= this.maxQueued) {
      return Promise.reject(
        new TooManyRequestsError(
          `The server is busy (${this.maxQueued} syntheses queued); retry shortly.`,
          1,
        ),
      );
    }
    return new Promise<T>((resolve, reject) => {
      const entry: Entry = {
        ...spec,
        deadlineMs: spec.deadlineMs,
        seq: this.nextSeq++,
        queuedAtMs: this.now(),
        run: run as RunJob<unknown>,
        resolve: resolve as (value: unknown) => void,
        reject,
      };
      if (spec.signal) {
        const signal = spec.signal;
        entry.onAbort = () => {
          const i = this.queue.indexOf(entry);
          if (i < 0) return;
          this.queue.splice(i, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      if (spec.kind === 'realtime') this.lastRealtimeAtMs = entry.queuedAtMs;
      this.queue.push(entry);
      this.pump();
    });
  }

  /** Refuses new jobs; queued and running ones still finish. */
  stopAccepting(): void {
    this.closing = true;
  }

  /** Fails every queued job with ShuttingDownError (running ones still finish). */
  dropQueued(): void {
    this.closing = true;
    for (const entry of this.queue.splice(0)) {
      this.detach(entry);
      entry.reject(new ShuttingDownError());
    }
  }

  /**
   * Runs `task` (upkeep, such as renewing the worker's sessions) on `worker` now, if it is free, no
   * job waits and no other worker is in upkeep; false when it did not run. The worker counts as
   * busy until the task settles (for `estMs`, in the backlog), so jobs that arrive meanwhile go to
   * the other workers, and one worker at a time is all upkeep takes.
   */
  maintain(worker: number, task: () => Promise<unknown>, estMs = 0): boolean {
    const w = this.workers[worker];
    if (!w || w.busy || this.closing || this.queue.length > 0) return false;
    if (this.workers.some((other) => other.upkeep)) return false;
    w.busy = true;
    w.upkeep = { startedAtMs: this.now(), estMs };
    Promise.resolve()
      .then(task)
      .catch(() => w.warm.clear()) // only a thread's death rejects: its replacement is cold
      .finally(() => {
        w.busy = false;
        w.upkeep = undefined;
        this.pump();
      });
    return true;
  }

  /** False once stopAccepting or dropQueued has been called. */
  get accepting(): boolean {
    return !this.closing;
  }

  get idle(): boolean {
    return this.queue.length === 0 && this.workers.every((w) => !w.busy);
  }

  /** Starts jobs while a worker is free and the policy has one for it. */
  private pump(): void {
    for (;;) {
      const free = this.workers.filter((w) => !w.busy);
      if (free.length === 0 || this.queue.length === 0) return;
      const context = {
        now: this.now(),
        workers: this.workers,
        lastRealtimeAtMs: this.lastRealtimeAtMs,
      };
      const choice = this.policy.pick(free, this.queue, context);
      if (!choice) return;
      const entry = choice.job as Entry;
      const i = this.queue.indexOf(entry);
      const worker = this.workers[choice.worker];
      if (i < 0 || !worker || worker.busy)
        throw new Error('scheduling policy picked an unavailable job or worker');
      this.queue.splice(i, 1);
      this.start(entry, worker);
    }
  }

  private start(entry: Entry, worker: WorkerState): void {
    this.detach(entry);
    const startedAtMs = this.now();
    worker.busy = true;
    worker.running = { job: entry, startedAtMs };
    try {
      this.onDispatch?.({ job: entry, worker: worker.id, startedAtMs });
    } catch {
      // A metrics hook never stops scheduling.
    }
    let result: Promise<unknown>;
    try {
      result = entry.run(worker.id);
    } catch (err) {
      result = Promise.reject(err);
    }
    result
      .then(
        (value) => {
          worker.warm.add(entry.modelKey);
          entry.resolve(value);
        },
        (err: unknown) => {
          // Only a thread's death rejects (failures come back as data); its replacement is cold.
          worker.warm.clear();
          entry.reject(err);
        },
      )
      .finally(() => {
        worker.busy = false;
        worker.running = undefined;
        this.completed++;
        this.pump();
        this.afterJob?.(worker.id);
      });
  }

  private detach(entry: Entry): void {
    if (entry.onAbort) entry.signal?.removeEventListener('abort', entry.onAbort);
  }
}
