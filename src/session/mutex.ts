// Kept over async-mutex: the one thing used (FIFO runExclusive, a failure frees the next) in 15 lines.
// A promise-chain mutex: callers run one at a time in arrival order (the REST chunk door uses it so
// concurrent calls on one session push text and collect audio without interleaving).

export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  runExclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    const run = this.tail.then(fn);
    // A failed caller must not block the ones behind it.
    this.tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}
