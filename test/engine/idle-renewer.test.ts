// A rested worker renews its sessions through the scheduler's upkeep slot: it counts as busy
// meanwhile, so a chunk that arrives goes to another free worker, one worker renews at a time, and
// a worker renews once per rest after work. Fake workers, fake timers; counts and order only.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleRenewer } from '../../src/engine/idle-renewer.js';
import { harness } from '../helpers/fake-scheduler.js';

const IDLE_MS = 30_000;

/** Upkeep that waits until the test ends it. */
function upkeep() {
  const calls: Array<{ worker: number; end: () => void }> = [];
  const renew = (worker: number) =>
    new Promise<void>((resolve) => calls.push({ worker, end: resolve }));
  return { calls, renew, workers: () => calls.map((c) => c.worker) };
}

/** One worker's scheduler, a renewer with `idleMs`, and one job run to its end. */
async function afterOneJob(idleMs = IDLE_MS) {
  const h = harness({ workers: 1 });
  const u = upkeep();
  const renewer = new IdleRenewer(h.scheduler, u.renew, idleMs);
  void h.submit('a', { deadline: 1 });
  await h.finish('a');
  return { h, u, renewer };
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('Scheduler.maintain', () => {
  it('sends a job that arrives during upkeep to another free worker', async () => {
    const h = harness({ workers: 2 });
    const u = upkeep();
    expect(h.scheduler.maintain(0, () => u.renew(0))).toBe(true);
    await settle();
    void h.submit('chunk', { deadline: 1 });
    expect(h.started.map((s) => [s.name, s.worker])).toEqual([['chunk', 1]]);
  });

  it('holds a job for the only worker until its upkeep ends', async () => {
    const h = harness({ workers: 1 });
    const u = upkeep();
    h.scheduler.maintain(0, () => u.renew(0));
    await settle();
    void h.submit('chunk', { deadline: 1 });
    expect(h.names()).toEqual([]);
    u.calls[0]!.end();
    await settle();
    expect(h.names()).toEqual(['chunk']);
  });

  it('refuses upkeep on a busy worker or while another worker is in upkeep', async () => {
    const h = harness({ workers: 2 });
    const u = upkeep();
    void h.submit('a', { deadline: 1 });
    expect(h.scheduler.maintain(0, () => u.renew(0))).toBe(false);
    await h.finish('a');
    expect(h.scheduler.maintain(0, () => u.renew(0))).toBe(true);
    expect(h.scheduler.maintain(1, () => u.renew(1))).toBe(false);
    await settle();
    expect(u.workers()).toEqual([0]);
  });

  it('refuses upkeep on a free worker while a job waits for it', async () => {
    // Three workers, a live session: one-shots may hold two, so the third one-shot waits while
    // the worker the real-time chunk left is free.
    const h = harness({ workers: 3 });
    const u = upkeep();
    void h.submit('r', { deadline: 1 });
    void h.submit('o1', { kind: 'oneshot', deadline: 2 });
    void h.submit('o2', { kind: 'oneshot', deadline: 3 });
    await h.finish('r');
    void h.submit('o3', { kind: 'oneshot', deadline: 4 });
    expect(h.names()).toEqual(['r', 'o1', 'o2']);
    expect(h.scheduler.maintain(0, () => u.renew(0))).toBe(false);
    expect(u.calls).toEqual([]);
  });

  it('keeps a worker in upkeep from one-shots, as if it ran one, while a session is live', async () => {
    const h = harness({ workers: 2 });
    const u = upkeep();
    void h.submit('r0', { deadline: 1 });
    await h.finish('r0');
    h.scheduler.maintain(0, () => u.renew(0));
    await settle();
    void h.submit('one-shot', { kind: 'oneshot', deadline: 2 });
    void h.submit('r1', { deadline: 3 });
    expect(h.started.slice(1).map((s) => [s.name, s.worker])).toEqual([['r1', 1]]);
  });

  it('counts upkeep in the backlog and as work the engine waits for before it stops', async () => {
    const h = harness({ workers: 2 });
    const u = upkeep();
    h.scheduler.maintain(0, () => u.renew(0), 800);
    await settle();
    expect(h.scheduler.backlogMs(0)).toBe(400);
    expect(h.scheduler.idle).toBe(false);
    u.calls[0]!.end();
    await settle();
    expect(h.scheduler.idle).toBe(true);
    expect(h.scheduler.backlogMs(0)).toBe(0);
  });
});

describe('IdleRenewer', () => {
  // Only the timers the renewer uses: the harness settles promises with setImmediate.
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
  afterEach(() => vi.useRealTimers());

  it('renews a worker once it has rested for the period after a job, and once only', async () => {
    const { u } = await afterOneJob();
    await vi.advanceTimersByTimeAsync(IDLE_MS - 1);
    expect(u.workers()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(u.workers()).toEqual([0]);
    u.calls[0]!.end();
    await vi.advanceTimersByTimeAsync(IDLE_MS * 3);
    expect(u.workers()).toEqual([0]);
  });

  it('puts a renewal off while the worker keeps working', async () => {
    const h = harness({ workers: 1 });
    const u = upkeep();
    new IdleRenewer(h.scheduler, u.renew, IDLE_MS);
    for (const name of ['a', 'b', 'c']) {
      void h.submit(name, { deadline: 1 });
      await vi.advanceTimersByTimeAsync(IDLE_MS / 2);
      await h.finish(name);
    }
    expect(u.workers()).toEqual([]);
    await vi.advanceTimersByTimeAsync(IDLE_MS);
    expect(u.workers()).toEqual([0]);
  });

  it('renews one worker at a time when several rest at once', async () => {
    const h = harness({ workers: 2 });
    const u = upkeep();
    new IdleRenewer(h.scheduler, u.renew, IDLE_MS);
    void h.submit('a', { deadline: 1 });
    void h.submit('b', { deadline: 1 });
    await h.finish('a');
    await h.finish('b');
    await vi.advanceTimersByTimeAsync(IDLE_MS);
    expect(u.workers()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(IDLE_MS);
    expect(u.workers()).toHaveLength(1);
    u.calls[0]!.end();
    await vi.advanceTimersByTimeAsync(IDLE_MS);
    expect(u.workers().sort()).toEqual([0, 1]);
  });

  it('stops arming once the scheduler stops accepting work', async () => {
    const { h, u } = await afterOneJob();
    h.scheduler.dropQueued();
    await vi.advanceTimersByTimeAsync(IDLE_MS * 3);
    expect(u.calls).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('never renews when the period is 0, nor once closed', async () => {
    const off = await afterOneJob(0);
    const closed = await afterOneJob();
    closed.renewer.close();
    await vi.advanceTimersByTimeAsync(IDLE_MS * 3);
    expect(off.u.calls).toEqual([]);
    expect(closed.u.calls).toEqual([]);
  });
});
