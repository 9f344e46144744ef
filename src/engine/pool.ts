// The worker pool: one single-thread piscina pool per worker ("lane"), so a streaming session can
// stay on one thread (its model warm there) and the least-loaded lane takes new work. Each lane
// keeps its own FIFO in front of piscina, so a task is handed to a thread only when that thread is
// free: queued tasks can be dropped on abort, while a running task is never aborted (piscina would
// kill the thread and its loaded models); its late result is simply dropped.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { InferenceError, ShuttingDownError, TooManyRequestsError } from '../errors.js';
import type { LoadResult, SynthesizeResult, WorkerData, WorkerTask } from './protocol.js';

export interface WorkerPoolOptions {
  workers?: number;
  /** Tasks waiting (not running) across all lanes before new ones are refused with 429. */
  maxQueued?: number;
  /** Override the worker entry file (tests). */
  workerFile?: string;
  /**
   * Test-only: workers obey the fault markers of protocol.ts (FAULT_MARKERS) by dying mid-task.
   * Off unless a test turns it on; no setting or request can enable it.
   */
  faultInjection?: boolean;
}

type TaskResult = SynthesizeResult | LoadResult;

interface QueuedTask {
  task: WorkerTask;
  signal: AbortSignal | undefined;
  resolve: (r: TaskResult) => void;
  reject: (e: unknown) => void;
  onAbort?: () => void;
}

interface LaneState {
  readonly id: number;
  readonly piscina: Piscina;
  readonly queue: QueuedTask[];
  running: boolean;
  /** Streaming sessions pinned here (weights the least-loaded choice). */
  sessions: number;
}

function defaultWorkerFile(): { filename: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  const fromSource = here.endsWith('.ts');
  const filename = path.resolve(
    path.dirname(here),
    '../../workers',
    fromSource ? 'tts-worker.ts' : 'tts-worker.js',
  );
  // Running from TypeScript sources (tests, `npm run cli`): the worker needs the same loader.
  const execArgv = fromSource
    ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href]
    : [];
  return { filename, execArgv };
}

export class WorkerPool {
  private readonly lanes: LaneState[];
  private readonly maxQueued: number;
  private closing = false;
  private completedCount = 0;

  constructor(options: WorkerPoolOptions = {}) {
    const workers = Math.max(1, options.workers ?? 1);
    this.maxQueued = options.maxQueued ?? 64;
    const entry = options.workerFile
      ? { filename: options.workerFile, execArgv: [] }
      : defaultWorkerFile();
    this.lanes = Array.from({ length: workers }, (_, id) => ({
      id,
      piscina: new Piscina({
        filename: entry.filename,
        execArgv: entry.execArgv,
        minThreads: 1,
        maxThreads: 1,
        concurrentTasksPerWorker: 1,
        idleTimeout: Number.POSITIVE_INFINITY,
        workerData: { faultInjection: options.faultInjection === true } satisfies WorkerData,
      }),
      queue: [],
      running: false,
      sessions: 0,
    }));
  }

  get size(): number {
    return this.lanes.length;
  }

  /** The lane with the least work (running + queued + pinned sessions); ties go to the lowest id. */
  leastLoadedLane(): number {
    let best = this.lanes[0]!;
    let bestLoad = Number.POSITIVE_INFINITY;
    for (const lane of this.lanes) {
      const load = (lane.running ? 1 : 0) + lane.queue.length + lane.sessions;
      if (load < bestLoad) {
        best = lane;
        bestLoad = load;
      }
    }
    return best.id;
  }

  pin(laneId: number, delta: 1 | -1): void {
    const lane = this.lanes[laneId];
    if (lane) lane.sessions = Math.max(0, lane.sessions + delta);
  }

  stats(): { workers: number; busyWorkers: number; queued: number; completed: number } {
    let busy = 0;
    let queued = 0;
    for (const lane of this.lanes) {
      if (lane.running) busy++;
      queued += lane.queue.length;
    }
    return {
      workers: this.lanes.length,
      busyWorkers: busy,
      queued,
      completed: this.completedCount,
    };
  }

  run(
    task: WorkerTask,
    options: { lane?: number; signal?: AbortSignal } = {},
  ): Promise<TaskResult> {
    if (this.closing) return Promise.reject(new ShuttingDownError());
    options.signal?.throwIfAborted();
    if (this.stats().queued >= this.maxQueued) {
      return Promise.reject(
        new TooManyRequestsError(
          `The server is busy (${this.maxQueued} syntheses queued); retry shortly.`,
          1,
        ),
      );
    }
    const lane = this.lanes[options.lane ?? this.leastLoadedLane()] ?? this.lanes[0]!;
    return new Promise<TaskResult>((resolve, reject) => {
      const item: QueuedTask = { task, signal: options.signal, resolve, reject };
      if (options.signal) {
        item.onAbort = () => {
          const i = lane.queue.indexOf(item);
          if (i >= 0) {
            lane.queue.splice(i, 1);
            reject(options.signal!.reason);
          }
        };
        options.signal.addEventListener('abort', item.onAbort, { once: true });
      }
      lane.queue.push(item);
      this.pump(lane);
    });
  }

  private pump(lane: LaneState): void {
    if (lane.running) return;
    const item = lane.queue.shift();
    if (!item) return;
    if (item.onAbort) item.signal?.removeEventListener('abort', item.onAbort);
    lane.running = true;
    lane.piscina
      .run(item.task)
      .then(
        (result: TaskResult) => item.resolve(result),
        (err: unknown) =>
          // The thread died (exit, uncaught exception, OOM) or the handler threw; piscina starts a
          // new thread for the lane, so only this task fails.
          item.reject(
            new InferenceError(
              `The inference worker crashed while handling this request (${(err as Error)?.message ?? String(err)}); retry it.`,
              'worker_crashed',
              err,
            ),
          ),
      )
      .finally(() => {
        lane.running = false;
        this.completedCount++;
        this.pump(lane);
      });
  }

  /** Refuses new work, lets queued and running tasks finish, then stops the threads. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      this.lanes.map(async (lane) => {
        while (lane.running || lane.queue.length) await new Promise((r) => setTimeout(r, 10));
        await lane.piscina.destroy();
      }),
    );
  }

  /**
   * Stops the threads: queued tasks fail with ShuttingDownError at once; a running task is allowed
   * to finish (up to `runningGraceMs`) because a thread terminated inside onnxruntime's native
   * run() aborts the whole process (onnxruntime-node 1.30), which would turn a clean exit into 134.
   */
  async destroy(options: { runningGraceMs?: number } = {}): Promise<void> {
    this.closing = true;
    for (const lane of this.lanes) {
      for (const item of lane.queue.splice(0)) {
        if (item.onAbort) item.signal?.removeEventListener('abort', item.onAbort);
        item.reject(new ShuttingDownError());
      }
    }
    const graceMs = options.runningGraceMs ?? 30_000;
    const until = Date.now() + graceMs;
    while (this.lanes.some((lane) => lane.running) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 10));
    // Nor is a thread terminated while still loading its module (onnxruntime's native addon):
    // a ping is answered only once that load is over.
    await Promise.all(
      this.lanes.map((lane) =>
        Promise.race([
          lane.piscina.run({ kind: 'ping' } satisfies WorkerTask).catch(() => undefined),
          new Promise((r) => setTimeout(r, Math.max(0, until - Date.now())).unref()),
        ]),
      ),
    );
    await Promise.all(this.lanes.map((lane) => lane.piscina.destroy()));
  }
}
