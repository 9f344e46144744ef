// Runs numbered tasks at bounded concurrency and hands their results on in number order as soon as
// each becomes next, never running more than `maxAhead` tasks past the oldest undelivered one.
// No package: p-map's pMapIterable yields a failure only after the results before it (we fail now).

export interface OrderedDeliveryOptions {
  /** Tasks running at once. */
  concurrency: number;
  /** Tasks started past the oldest undelivered one, at most (bounds the results held out of order). */
  maxAhead: number;
}

/**
 * Runs `run(0)` … `run(count - 1)` and calls `deliver(value, index)` in index order. Rejects with
 * the first failure (of a task or of `deliver`); tasks already running are left to the caller to
 * stop (by a signal they share), and nothing more is started or delivered.
 */
export async function runOrdered<T>(
  count: number,
  { concurrency, maxAhead }: OrderedDeliveryOptions,
  run: (index: number) => Promise<T>,
  deliver: (value: T, index: number) => void,
): Promise<void> {
  const held = new Map<number, T>();
  let delivered = 0;
  let next = 0;
  let failed = false;
  let wake: () => void = () => {};
  let progress = new Promise<void>((r) => (wake = r));
  const settle = (index: number, value: T) => {
    held.set(index, value);
    while (held.has(delivered)) {
      const value = held.get(delivered) as T;
      held.delete(delivered);
      deliver(value, delivered++);
    }
    wake();
    progress = new Promise<void>((r) => (wake = r));
  };
  const feed = async () => {
    while (next < count && !failed) {
      if (next >= delivered + maxAhead) {
        await progress;
        continue;
      }
      const index = next++;
      const value = await run(index);
      if (!failed) settle(index, value);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(count, concurrency) }, feed));
  } catch (err) {
    failed = true;
    wake();
    throw err;
  } finally {
    held.clear();
  }
}
