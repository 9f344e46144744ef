// The default scheduling policy: earliest deadline first over one queue for every worker.
// - A job's deadline is when its audio will be needed (see docs/architecture.md "Scheduling"); the earliest runs.
// - Work-conserving: a free worker takes the best runnable job, whichever session it belongs to.
// - While real-time sessions are live, one-shot chunks may hold at most `workers - reserved`
//   workers: a chunk cannot be preempted, so a turn's first chunk must find a worker free rather
//   than wait for seconds of someone's long one-shot. With no live session, one-shots use them all.
// - A worker that already has the job's model loaded only breaks ties.
import type { QueuedJob, WorkerView } from './jobs.js';

export interface PolicyContext {
  readonly now: number;
  readonly workers: readonly WorkerView[];
  /** Clock ms of the last real-time job submitted. */
  readonly lastRealtimeAtMs: number;
}

export interface SchedulingPolicy {
  readonly name: string;
  /** The next job and the free worker to run it on, or undefined to leave the free workers idle. */
  pick(
    free: readonly WorkerView[],
    queue: readonly QueuedJob[],
    context: PolicyContext,
  ): { job: QueuedJob; worker: number } | undefined;
}

export interface EdfPolicyOptions {
  /** Workers kept for real-time chunks while sessions are live (default 1 with ≥ 2 workers). */
  reservedWorkers?: number;
  /** A real-time job within this long counts as a live session (default 10 s). */
  realtimeWindowMs?: number;
}

export const DEFAULT_EDF_POLICY_OPTIONS = Object.freeze({ realtimeWindowMs: 10_000 });

export function edfPolicy(options: EdfPolicyOptions = {}): SchedulingPolicy {
  const windowMs = options.realtimeWindowMs ?? DEFAULT_EDF_POLICY_OPTIONS.realtimeWindowMs;
  return {
    name: 'edf',
    pick(free, queue, context) {
      const n = context.workers.length;
      const reserved = Math.min(n - 1, options.reservedWorkers ?? (n >= 2 ? 1 : 0));
      const live = context.now - context.lastRealtimeAtMs <= windowMs;
      // A worker in upkeep (a session renewal) is as unavailable to real-time chunks as one running
      // a one-shot: together they may not take the reserved workers.
      const held = context.workers.filter(
        (w) => w.running?.job.kind === 'oneshot' || w.upkeep !== undefined,
      ).length;
      const oneshotRunnable = !live || held < n - reserved;
      let best: QueuedJob | undefined;
      let bestKey: [number, number, number] = [Infinity, 1, Infinity];
      for (const job of queue) {
        if (job.kind === 'oneshot' && !oneshotRunnable) continue;
        const warm = free.some((w) => w.warm.has(job.modelKey)) ? 0 : 1;
        const key: [number, number, number] = [job.deadlineMs(), warm, job.seq];
        if (best === undefined || lexLess(key, bestKey)) {
          best = job;
          bestKey = key;
        }
      }
      if (!best) return undefined;
      const job = best;
      const worker = free.find((w) => w.warm.has(job.modelKey)) ?? free[0]!;
      return { job, worker: worker.id };
    },
  };
}

function lexLess(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

export const EDF_POLICY: SchedulingPolicy = edfPolicy();
