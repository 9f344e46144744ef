// The consumer side of a session: one consumer at a time takes its events, either as an iterator
// (`events()`) or for given sentences (`collectEvents`). Leaving only frees the session for the
// next consumer; what the leaving means for pending work is for the door that knows why it left.
import type { ChunkEvent, TtsSessionEvent } from './session-events.js';

/** What a consumer reads from its session. */
export interface EventSource {
  readonly id: string;
  /** Counts cancels and closes: a collect started before a change stops at it. */
  generation(): number;
  /** The turn's end is the next event. */
  flushedNext(): boolean;
  /** The next deliverable event, taken (undefined: none yet). */
  take(): TtsSessionEvent | undefined;
  /** No event will come any more (closed, or ended with nothing left). */
  over(): boolean;
  /** Wakes a consumer waiting for an event (so it checks its `stop`) on any change. */
  readonly wakeup: Wakeup;
}

/** The next deliverable event, or undefined when the stream is over or `stop()` says so. */
async function nextEvent(
  source: EventSource,
  stop: () => boolean,
): Promise<TtsSessionEvent | undefined> {
  for (;;) {
    if (stop()) return undefined;
    const ev = source.take();
    if (ev !== undefined) return ev;
    if (source.over()) return undefined;
    await source.wakeup.wait();
  }
}

/** The session's events for one consumer; `return()` releases the session and drops nothing. */
export interface SessionConsumer extends AsyncIterator<TtsSessionEvent> {
  /** Neither ran to the end of the stream nor returned: the consumer is still attached. */
  readonly active: boolean;
  return(): Promise<IteratorReturnResult<undefined>>;
}

/** Consumers waiting for the next event, woken when anything changes. */
export class Wakeup {
  private waiters: Array<() => void> = [];

  wait(): Promise<void> {
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** The one-consumer-at-a-time claim. */
export class ConsumerSlot {
  private held = false;

  get taken(): boolean {
    return this.held;
  }

  claim(sessionId: string): void {
    if (this.held) throw new Error(`session ${sessionId} already has a consumer`);
    this.held = true;
  }

  release(): void {
    this.held = false;
  }
}

export function consumeEvents(source: EventSource, slot: ConsumerSlot): SessionConsumer {
  slot.claim(source.id);
  let finished = false;
  const finish = (): IteratorReturnResult<undefined> => {
    if (!finished) slot.release();
    finished = true;
    return { done: true, value: undefined };
  };
  return {
    get active() {
      return !finished;
    },
    next: async () => {
      if (finished) return { done: true, value: undefined };
      const ev = await nextEvent(source, () => finished);
      if (finished) return { done: true, value: undefined };
      return ev === undefined ? finish() : { done: false, value: ev };
    },
    return: async () => {
      finish();
      // A consumer waiting in next() wakes and sees it is finished.
      source.wakeup.notify();
      return { done: true, value: undefined };
    },
  };
}

/**
 * The plain `for await` loop's consumer: a loop left early says nobody wants the pending audio,
 * and `drop` (the session's dropUndelivered) is called for it, explicitly and only then.
 */
export function dropOnLeave(
  events: SessionConsumer,
  drop: () => void,
): AsyncIterator<TtsSessionEvent> {
  return {
    next: () => events.next(),
    return: async () => {
      const leftEarly = events.active;
      const result = await events.return();
      if (leftEarly) drop();
      return result;
    },
  };
}

/**
 * Waits for exactly these chunks and returns their events in order; earlier undelivered events
 * are dropped on the way. Returns early (with what it has) on cancel, close or abort of `signal`.
 * Each event is kept as `keep` makes it, as it arrives.
 */
export async function collectEvents<T>(
  source: EventSource,
  slot: ConsumerSlot,
  {
    seqs,
    signal,
    keep,
  }: { seqs: readonly number[]; signal?: AbortSignal; keep: (ev: ChunkEvent) => T },
): Promise<T[]> {
  if (seqs.length === 0) return [];
  slot.claim(source.id);
  const wanted = new Set(seqs);
  const got: T[] = [];
  const generation = source.generation();
  const onAbort = () => source.wakeup.notify();
  signal?.addEventListener('abort', onAbort);
  try {
    while (wanted.size > 0) {
      const ev = await nextEvent(
        source,
        () => source.generation() !== generation || signal?.aborted === true,
      );
      if (ev === undefined) break;
      if (ev.type !== 'flushed' && wanted.delete(ev.seq)) got.push(keep(ev));
    }
    // The turn's end right behind its last chunk is taken too: it gives back the turn's slot.
    while (wanted.size === 0 && source.flushedNext()) await nextEvent(source, () => false);
    return got;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    slot.release();
  }
}
