// The worker threads: one single-thread piscina pool per worker, so the scheduler (scheduler.ts)
// decides which thread runs each chunk and a task reaches a thread only when that thread is free.
// A running task is never aborted (piscina would kill the thread and its loaded models, and a
// thread terminated inside onnxruntime's run() aborts the process); a late result is dropped.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { InferenceError, ShuttingDownError } from '../errors.js';
import type { WorkerData, WorkerResult, WorkerTask } from './protocol.js';

export interface WorkerPoolOptions {
  workers?: number;
  /** Override the worker entry file (tests). */
  workerFile?: string;
  /**
   * Test-only: workers obey the fault markers of protocol.ts (FAULT_MARKERS) by dying mid-task.
   * Off unless a test turns it on; no setting or request can enable it.
   */
  faultInjection?: boolean;
  /** onnxruntime's CPU memory arena in each worker's sessions (default on). */
  cpuMemArena?: boolean;
}

interface ThreadState {
  readonly piscina: Piscina;
  running: number;
  /** Its thread died and piscina's replacement has not yet said it is ready. */
  down: boolean;
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
  private readonly threads: ThreadState[];
  /** Set when destroy() begins: a task sent after that is refused, never given a new thread. */
  private stopping = false;

  constructor(options: WorkerPoolOptions = {}) {
    const workers = Math.max(1, options.workers ?? 1);
    const entry = options.workerFile
      ? { filename: options.workerFile, execArgv: [] }
      : defaultWorkerFile();
    this.threads = Array.from({ length: workers }, () => {
      const piscina = new Piscina({
        filename: entry.filename,
        execArgv: entry.execArgv,
        minThreads: 1,
        maxThreads: 1,
        concurrentTasksPerWorker: 1,
        idleTimeout: Number.POSITIVE_INFINITY,
        workerData: {
          faultInjection: options.faultInjection === true,
          cpuMemArena: options.cpuMemArena ?? true,
        } satisfies WorkerData,
      });
      const thread: ThreadState = { piscina, running: 0, down: false };
      // piscina replaces a dead thread at once; the replacement is announced once its module
      // (onnxruntime included) has loaded. Until then this worker can run nothing.
      piscina.on('workerDestroy', () => (thread.down = !this.stopping));
      piscina.on('workerCreate', () => (thread.down = false));
      return thread;
    });
  }

  /** Workers whose thread died and is not yet replaced (GET /api/health says degraded). */
  get downWorkers(): number {
    return this.threads.filter((t) => t.down).length;
  }

  get size(): number {
    return this.threads.length;
  }

  get busy(): boolean {
    return this.threads.some((t) => t.running > 0);
  }

  /** Runs the task on that worker's thread; a thread that dies fails only this task. */
  async run<T extends WorkerResult>(worker: number, task: WorkerTask): Promise<T> {
    const thread = this.threads[worker];
    if (!thread) throw new RangeError(`no worker ${worker}`);
    if (this.stopping) throw new ShuttingDownError();
    thread.running++;
    try {
      return (await thread.piscina.run(task)) as T;
    } catch (err) {
      // The thread died (exit, uncaught exception, OOM) or the handler threw; piscina starts a
      // new thread for the worker, so only this task fails.
      throw new InferenceError(
        `The inference worker crashed while handling this request (${(err as Error)?.message ?? String(err)}); retry it.`,
        'worker_crashed',
        err,
      );
    } finally {
      thread.running--;
    }
  }

  /**
   * Stops the threads once no task runs (up to `runningGraceMs`): a thread terminated inside
   * onnxruntime's native run() aborts the whole process (onnxruntime-node 1.30), which would turn
   * a clean exit into 134. Nor is a thread terminated while still loading its module (the native
   * addon): a ping is answered only once that load is over.
   */
  async destroy(options: { runningGraceMs?: number } = {}): Promise<void> {
    this.stopping = true;
    const until = Date.now() + (options.runningGraceMs ?? 30_000);
    while (this.busy && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    await Promise.all(
      this.threads.map((thread) =>
        Promise.race([
          thread.piscina.run({ kind: 'ping' } satisfies WorkerTask).catch(() => undefined),
          new Promise((r) => setTimeout(r, Math.max(0, until - Date.now())).unref()),
        ]),
      ),
    );
    await Promise.all(this.threads.map((thread) => thread.piscina.destroy()));
  }
}
