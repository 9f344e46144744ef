// WorkerPool on real piscina threads running small fixture workers (test/engine/fixtures): which
// thread a task reaches, what runs at the same time, what a failing or dying task takes with it,
// what crosses back, and how destroy() ends the threads. Order and outcomes, never time.
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { InferenceError, ShuttingDownError } from '../../src/errors.js';
import { WorkerPool, type WorkerPoolOptions } from '../../src/engine/pool.js';
import type { WorkerResult, WorkerTask } from '../../src/engine/protocol.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const POOL_WORKER = path.join(FIXTURES, 'pool-worker.mjs');
const SLOW_LOAD_WORKER = path.join(FIXTURES, 'slow-load-worker.mjs');

interface WhoAmI {
  threadId: number;
  /** Tasks the thread had handled, this one included. */
  handled: number;
  workerData: unknown;
  tag?: string;
}
interface Met {
  threadId: number;
  met: boolean;
}
interface GateDone {
  threadId: number;
  mostRunning: number;
  tag?: string;
}
interface Audio {
  ok: true;
  samples: Float32Array;
  previousByteLength: number | undefined;
}

type FixtureTask =
  | { kind: 'whoami'; tag?: string }
  | { kind: 'meet'; sab: SharedArrayBuffer; me: number; peer: number }
  | { kind: 'gate'; sab: SharedArrayBuffer; slot: number; tag?: string }
  | { kind: 'audio'; length: number; first: number }
  | { kind: 'port' }
  | { kind: 'throw'; reason: string }
  | { kind: 'exit'; code: number }
  | { kind: 'uncaught' };

const live = new Set<WorkerPool>();

function fixturePool(options: WorkerPoolOptions = {}): WorkerPool {
  const pool = new WorkerPool({ workerFile: POOL_WORKER, ...options });
  live.add(pool);
  return pool;
}

function destroy(pool: WorkerPool, options?: { runningGraceMs?: number }): Promise<void> {
  live.delete(pool);
  return pool.destroy(options);
}

afterEach(async () => {
  await Promise.all([...live].map((pool) => destroy(pool, { runningGraceMs: 0 })));
});

/** The fixture tasks are not the gateway's; the pool passes any task through as data. */
function run<T>(pool: WorkerPool, worker: number, task: FixtureTask): Promise<T> {
  return pool.run(worker, task as unknown as WorkerTask) as Promise<WorkerResult> as Promise<T>;
}

// Atomics.waitAsync is in Node 20 but not in the ES2023 lib this project compiles against.
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      array: Int32Array,
      index: number,
      value: number,
    ): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync;

/** Gate tasks that start, say so, and wait until the test opens them (see the fixture). */
class Gates {
  readonly sab = new SharedArrayBuffer(2 * 16 * Int32Array.BYTES_PER_ELEMENT);
  private readonly flags = new Int32Array(this.sab);

  task(slot: number, tag?: string): FixtureTask {
    return { kind: 'gate', sab: this.sab, slot, tag };
  }

  isStarted(slot: number): boolean {
    return Atomics.load(this.flags, slot * 2) === 1;
  }

  async started(slot: number): Promise<void> {
    const wait = waitAsync(this.flags, slot * 2, 0);
    if (wait.async) await wait.value;
  }

  open(slot: number): void {
    Atomics.store(this.flags, slot * 2 + 1, 1);
    Atomics.notify(this.flags, slot * 2 + 1);
  }
}

/** A rejection's error, failing the test if the promise resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the task to be rejected, but it resolved');
}

describe('WorkerPool', () => {
  it('keeps one thread per worker and runs each task on the worker it was sent to', async () => {
    const pool = fixturePool({ workers: 3 });
    const seen: WhoAmI[][] = [[], [], []];
    for (let round = 0; round < 3; round++)
      for (let worker = 0; worker < 3; worker++)
        seen[worker]!.push(await run<WhoAmI>(pool, worker, { kind: 'whoami' }));
    const threadOf = seen.map((answers) => new Set(answers.map((a) => a.threadId)));
    expect(threadOf.map((threads) => threads.size)).toEqual([1, 1, 1]);
    expect(new Set(threadOf.map((threads) => [...threads][0])).size).toBe(3);
    // Each thread saw exactly the three tasks sent to its worker, none of another's.
    expect(seen.map((answers) => answers.map((a) => a.handled))).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });

  it('has as many workers as asked for, and at least one', () => {
    expect(fixturePool({ workers: 3 }).size).toBe(3);
    expect(fixturePool({ workers: 0 }).size).toBe(1);
    expect(fixturePool().size).toBe(1);
  });

  it('rejects a task for a worker it does not have with a RangeError', async () => {
    const pool = fixturePool({ workers: 2 });
    await expect(run(pool, 2, { kind: 'whoami' })).rejects.toThrow(RangeError);
    await expect(run(pool, -1, { kind: 'whoami' })).rejects.toThrow(RangeError);
    expect(pool.busy).toBe(false);
  });

  it('runs tasks sent to different workers at the same time', async () => {
    const pool = fixturePool({ workers: 2 });
    const sab = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
    // Each task blocks its thread until the other has started: both meet only if both run at once.
    const [a, b] = await Promise.all([
      run<Met>(pool, 0, { kind: 'meet', sab, me: 0, peer: 1 }),
      run<Met>(pool, 1, { kind: 'meet', sab, me: 1, peer: 0 }),
    ]);
    expect([a.met, b.met]).toEqual([true, true]);
    expect(a.threadId).not.toBe(b.threadId);
  });

  it('runs one task at a time on a worker and holds the next until the first is done', async () => {
    const pool = fixturePool({ workers: 2 });
    const gates = new Gates();
    const first = run<GateDone>(pool, 0, gates.task(0, 'first'));
    await gates.started(0);
    const second = run<GateDone>(pool, 0, gates.task(1, 'second'));
    // A round trip through the other worker: the second task had every chance to start by now.
    await run(pool, 1, { kind: 'whoami' });
    expect(gates.isStarted(1)).toBe(false);
    gates.open(0);
    await gates.started(1);
    gates.open(1);
    const done = await Promise.all([first, second]);
    expect(done.map((d) => d.tag)).toEqual(['first', 'second']);
    expect(done.map((d) => d.mostRunning)).toEqual([1, 1]);
    expect(done[0]!.threadId).toBe(done[1]!.threadId);
  });

  it('counts as busy exactly while a task runs', async () => {
    const pool = fixturePool({ workers: 2 });
    const gates = new Gates();
    expect(pool.busy).toBe(false);
    const task = run(pool, 1, gates.task(0));
    expect(pool.busy).toBe(true);
    await gates.started(0);
    expect(pool.busy).toBe(true);
    gates.open(0);
    await task;
    expect(pool.busy).toBe(false);
  });

  it('tells every thread whether fault injection is on, and it is off unless asked for', async () => {
    const plain = fixturePool({ workers: 2 });
    const drilled = fixturePool({ workers: 2, faultInjection: true });
    const data = async (pool: WorkerPool) =>
      Promise.all(
        [0, 1].map(async (w) => (await run<WhoAmI>(pool, w, { kind: 'whoami' })).workerData),
      );
    const arena = { cpuMemArena: true };
    expect(await data(plain)).toEqual([
      { faultInjection: false, ...arena },
      { faultInjection: false, ...arena },
    ]);
    expect(await data(drilled)).toEqual([
      { faultInjection: true, ...arena },
      { faultInjection: true, ...arena },
    ]);
  });

  it('tells every thread whether its sessions keep a memory arena', async () => {
    const pool = fixturePool({ workers: 2, cpuMemArena: false });
    const data = await Promise.all(
      [0, 1].map(async (w) => (await run<WhoAmI>(pool, w, { kind: 'whoami' })).workerData),
    );
    expect(data).toEqual([
      { faultInjection: false, cpuMemArena: false },
      { faultInjection: false, cpuMemArena: false },
    ]);
  });

  it('moves the audio a task returns to the main thread instead of copying it', async () => {
    const pool = fixturePool();
    const first = await run<Audio>(pool, 0, { kind: 'audio', length: 4, first: 1 });
    expect(first.samples).toBeInstanceOf(Float32Array);
    expect([...first.samples]).toEqual([1, 2, 3, 4]);
    expect(first.previousByteLength).toBeUndefined();
    const second = await run<Audio>(pool, 0, { kind: 'audio', length: 3, first: 10 });
    expect([...second.samples]).toEqual([10, 11, 12]);
    // The worker's own copy of the first buffer is detached: it was transferred, not cloned.
    expect(second.previousByteLength).toBe(0);
    expect([...first.samples]).toEqual([1, 2, 3, 4]);
  });

  it('rejects only the task whose handler threw, with a worker_crashed error that keeps the cause', async () => {
    const pool = fixturePool({ workers: 2 });
    const gates = new Gates();
    const before = await run<WhoAmI>(pool, 0, { kind: 'whoami' });
    const other = run<GateDone>(pool, 1, gates.task(0, 'other worker'));
    await gates.started(0);
    const failing = run(pool, 0, { kind: 'throw', reason: 'on purpose' });
    const queuedBehind = run<WhoAmI>(pool, 0, { kind: 'whoami', tag: 'queued behind' });
    const err = await rejectionOf(failing);
    expect(err).toBeInstanceOf(InferenceError);
    expect(err).toMatchObject({ status: 500, code: 'worker_crashed' });
    expect(err.message).toMatch(/fixture task failed: on purpose/);
    expect((err.cause as Error).message).toMatch(/fixture task failed: on purpose/);
    // A handler that throws does not cost the thread: the next task runs on the same one.
    expect(await queuedBehind).toMatchObject({ tag: 'queued behind', threadId: before.threadId });
    gates.open(0);
    expect(await other).toMatchObject({ tag: 'other worker' });
  });

  it('fails only the task whose thread exited, and gives that worker a fresh thread', async () => {
    const pool = fixturePool({ workers: 2 });
    const gates = new Gates();
    const [zero, one] = await Promise.all([
      run<WhoAmI>(pool, 0, { kind: 'whoami' }),
      run<WhoAmI>(pool, 1, { kind: 'whoami' }),
    ]);
    const other = run<GateDone>(pool, 1, gates.task(0, 'other worker'));
    await gates.started(0);
    const err = await rejectionOf(run(pool, 0, { kind: 'exit', code: 3 }));
    expect(err).toBeInstanceOf(InferenceError);
    expect(err).toMatchObject({ code: 'worker_crashed' });
    expect(err.message).toMatch(/code: 3/);
    const after = await run<WhoAmI>(pool, 0, { kind: 'whoami' });
    expect(after.threadId).not.toBe(zero.threadId);
    expect(after.handled).toBe(1);
    gates.open(0);
    expect(await other).toMatchObject({ tag: 'other worker', threadId: one.threadId });
    expect(await run<WhoAmI>(pool, 1, { kind: 'whoami' })).toMatchObject({
      threadId: one.threadId,
    });
  });

  it('fails the task whose thread died of an uncaught exception, and runs the next on a new thread', async () => {
    const pool = fixturePool();
    const before = await run<WhoAmI>(pool, 0, { kind: 'whoami' });
    const err = await rejectionOf(run(pool, 0, { kind: 'uncaught' }));
    expect(err).toBeInstanceOf(InferenceError);
    expect(err).toMatchObject({ code: 'worker_crashed' });
    expect(err.message).toMatch(/fixture uncaught exception/);
    const after = await run<WhoAmI>(pool, 0, { kind: 'whoami' });
    expect(after.threadId).not.toBe(before.threadId);
    expect(pool.busy).toBe(false);
  });
});

describe('WorkerPool.destroy', () => {
  it('lets a running task finish, then ends every thread', async () => {
    const pool = fixturePool({ workers: 2 });
    const gates = new Gates();
    // A port each thread keeps open: its end here closes when that thread ends.
    const ports = await Promise.all([0, 1].map((w) => run<MessagePort>(pool, w, { kind: 'port' })));
    const portsClosed = Promise.all(ports.map((port) => once(port, 'close')));
    const events: string[] = [];
    const task = run<GateDone>(pool, 0, gates.task(0, 'running')).then((done) => {
      events.push('task finished');
      return done;
    });
    await gates.started(0);
    const destroyed = destroy(pool).then(() => events.push('destroyed'));
    gates.open(0);
    await destroyed;
    expect(await task).toMatchObject({ tag: 'running' });
    expect(events).toEqual(['task finished', 'destroyed']);
    await portsClosed;
  });

  it('stops a thread whose task outlives the grace period, failing only that task', async () => {
    const pool = fixturePool();
    const gates = new Gates();
    const stuck = rejectionOf(run(pool, 0, gates.task(0)));
    await gates.started(0);
    await destroy(pool, { runningGraceMs: 0 });
    const err = await stuck;
    expect(err).toBeInstanceOf(InferenceError);
    expect(err).toMatchObject({ code: 'worker_crashed' });
  });

  it('waits for a thread still loading its module before it stops it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pool-test-'));
    const marker = path.join(dir, 'loaded');
    process.env.POOL_FIXTURE_LOADED = marker;
    try {
      // The thread starts loading at once; destroy comes long before that load is over.
      const pool = new WorkerPool({ workerFile: SLOW_LOAD_WORKER, workers: 2 });
      await pool.destroy();
      expect(existsSync(marker)).toBe(true);
    } finally {
      delete process.env.POOL_FIXTURE_LOADED;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses tasks from the moment it begins, with a shutting-down error', async () => {
    const pool = fixturePool();
    const gates = new Gates();
    const running = run(pool, 0, gates.task(0));
    await gates.started(0);
    const destroyed = destroy(pool);
    const during = await rejectionOf(run(pool, 0, { kind: 'whoami' }));
    gates.open(0);
    await running;
    await destroyed;
    const after = await rejectionOf(run(pool, 0, { kind: 'whoami' }));
    for (const err of [during, after]) {
      expect(err).toBeInstanceOf(ShuttingDownError);
      expect(err).toMatchObject({ status: 503, code: 'shutting_down' });
    }
  });
});
