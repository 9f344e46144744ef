// The scheduling the gateway had before the deadline scheduler, kept as a benchmark baseline (like
// the seed baseline): every session (job group) is pinned to one worker when its first job is
// seen, the least-loaded one by pinned groups, and each worker runs its own jobs first in, first
// out, blind to when their audio is needed. A worker with nothing of its own stays idle.
import type { SchedulingPolicy } from '../../src/engine/edf-policy.js';

export function pinnedFifoPolicy(): SchedulingPolicy {
  const laneOf = new Map<string, number>();
  const pinned: number[] = [];
  const lane = (group: string, workers: number): number => {
    let id = laneOf.get(group);
    if (id === undefined) {
      while (pinned.length < workers) pinned.push(0);
      id = pinned.indexOf(Math.min(...pinned));
      pinned[id]!++;
      laneOf.set(group, id);
    }
    return id;
  };
  return {
    name: 'pinned-fifo',
    pick(free, queue, context) {
      const byArrival = [...queue].sort((a, b) => a.seq - b.seq);
      for (const job of byArrival) lane(job.group, context.workers.length); // pin at first sight
      for (const worker of free) {
        const job = byArrival.find((j) => laneOf.get(j.group) === worker.id);
        if (job) return { job, worker: worker.id };
      }
      return undefined;
    },
  };
}
