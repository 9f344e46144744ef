// runOrdered: results go on in index order whatever order the tasks finish in, concurrency and
// the distance ahead of delivery stay bounded, and the first failure stops it.
import { describe, expect, it } from 'vitest';
import { runOrdered } from '../../src/engine/ordered-delivery.js';

/** A task whose finish the test decides. */
function deferred<T>() {
  let resolve: (value: T) => void = () => {};
  let reject: (err: unknown) => void = () => {};
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('runOrdered', () => {
  it('delivers in index order when tasks finish out of order', async () => {
    const delays = [30, 5, 20, 0, 10];
    const delivered: [string, number][] = [];
    await runOrdered(
      delays.length,
      { concurrency: 3, maxAhead: 6 },
      (i) => new Promise<string>((r) => setTimeout(() => r(`v${i}`), delays[i])),
      (value, i) => delivered.push([value, i]),
    );
    expect(delivered).toEqual(delays.map((_, i) => [`v${i}`, i]));
  });

  it('delivers a result as soon as everything before it is delivered', async () => {
    const tasks = [deferred<number>(), deferred<number>(), deferred<number>()];
    const delivered: number[] = [];
    const done = runOrdered(
      3,
      { concurrency: 3, maxAhead: 3 },
      (i) => tasks[i]!.promise,
      (v) => delivered.push(v),
    );
    tasks[1]!.resolve(1);
    await tick();
    expect(delivered).toEqual([]);
    tasks[0]!.resolve(0);
    await tick();
    expect(delivered).toEqual([0, 1]);
    tasks[2]!.resolve(2);
    await done;
    expect(delivered).toEqual([0, 1, 2]);
  });

  it('never runs more than the concurrency at once', async () => {
    let running = 0;
    let most = 0;
    await runOrdered(
      10,
      { concurrency: 2, maxAhead: 4 },
      async (i) => {
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, (i * 7) % 5));
        running--;
        return i;
      },
      () => {},
    );
    expect(most).toBe(2);
  });

  it('starts nothing more than maxAhead past the oldest undelivered task', async () => {
    const tasks = Array.from({ length: 6 }, () => deferred<number>());
    const started: number[] = [];
    const done = runOrdered(
      6,
      { concurrency: 2, maxAhead: 3 },
      (i) => (started.push(i), tasks[i]!.promise),
      () => {},
    );
    tasks[1]!.resolve(1);
    await tick();
    expect(started).toEqual([0, 1, 2]); // 3 would be 3 past undelivered 0
    tasks[2]!.resolve(2);
    await tick();
    expect(started).toEqual([0, 1, 2]);
    tasks[0]!.resolve(0);
    await tick();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    for (const t of tasks.slice(3)) t.resolve(0);
    await done;
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('rejects with the first failure and starts nothing after it', async () => {
    const tasks = Array.from({ length: 5 }, () => deferred<number>());
    const started: number[] = [];
    const delivered: number[] = [];
    const done = runOrdered(
      5,
      { concurrency: 2, maxAhead: 2 },
      (i) => (started.push(i), tasks[i]!.promise),
      (v) => delivered.push(v),
    );
    tasks[1]!.reject(new Error('boom'));
    await expect(done).rejects.toThrow('boom');
    tasks[0]!.resolve(0);
    await tick();
    expect(started).toEqual([0, 1]);
    expect(delivered).toEqual([]);
  });

  it('rejects when delivery throws', async () => {
    const done = runOrdered(
      3,
      { concurrency: 1, maxAhead: 1 },
      (i) => Promise.resolve(i),
      (v) => {
        if (v === 1) throw new Error('sink gone');
      },
    );
    await expect(done).rejects.toThrow('sink gone');
  });

  it('does nothing for no tasks', async () => {
    const delivered: number[] = [];
    await runOrdered(
      0,
      { concurrency: 4, maxAhead: 8 },
      () => Promise.resolve(1),
      (v) => delivered.push(v),
    );
    expect(delivered).toEqual([]);
  });
});
