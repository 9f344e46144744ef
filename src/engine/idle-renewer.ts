// Gives back what a worker's onnxruntime arena grew to once the worker rests: `idleMs` after its
// last job ended, the worker is sent a `renew` task (its sessions loaded again from the model file,
// the old ones released: workers/tts-worker.ts). The task goes through the scheduler's upkeep slot,
// so the worker counts as busy while it renews (about a second of one core for nano): a chunk that
// arrives meanwhile goes to another free worker, and only one worker renews at a time. A worker
// that has not synthesized since its last renewal renews nothing.
import type { Scheduler } from './scheduler.js';

/** How soon a worker whose renewal was put off (another worker renewing, jobs waiting) tries again. */
const RETRY_MS = 1000;
/** What a renewal is expected to take until one has been timed (nano: 0.6–1 s of one core). */
const FIRST_ESTIMATE_MS = 1000;

export class IdleRenewer {
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();
  private closed = false;
  /** How long the last renewal took, for the scheduler's backlog while the next one runs. */
  private estMs = FIRST_ESTIMATE_MS;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly renew: (worker: number) => Promise<unknown>,
    private readonly idleMs: number,
  ) {
    if (idleMs > 0) scheduler.afterJob = (worker) => this.arm(worker, idleMs);
  }

  /** No more renewals are started (the engine is closing); one under way still ends. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private arm(worker: number, ms: number): void {
    if (this.closed) return;
    clearTimeout(this.timers.get(worker));
    const timer = setTimeout(() => this.fire(worker), ms);
    // A resting gateway waits for requests anyway; this timer alone must not hold the process.
    timer.unref();
    this.timers.set(worker, timer);
  }

  private fire(worker: number): void {
    this.timers.delete(worker);
    if (!this.scheduler.accepting) return; // the engine is shutting down
    // Put off while the worker works (its job's end arms it again) or while upkeep or jobs wait.
    if (!this.scheduler.maintain(worker, () => this.timed(worker), this.estMs))
      this.arm(worker, Math.min(this.idleMs, RETRY_MS));
  }

  private async timed(worker: number): Promise<void> {
    const t0 = performance.now();
    await this.renew(worker);
    this.estMs = performance.now() - t0;
  }
}
