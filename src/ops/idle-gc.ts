// One full garbage collection once the process goes quiet after large one-shot answers. What such
// an answer held (its PCM16 chunks, the encoders' buffers) is garbage once written, but it lives in
// ArrayBuffers and native memory that only a major GC frees, and V8 starts one only when new
// allocations push it there: an idle server never does, so 100+ MB stayed resident for good after
// one long /api/generate (docs/memory.md). Node offers no memory-pressure call; the gc extension
// is the one way to ask. The collection is one full pause (tens of ms on a small heap), so it
// waits until nothing is synthesizing: then no stream has audio for it to hold up, and while
// anything is, its allocations make V8 collect on its own anyway.
import v8 from 'node:v8';
import vm from 'node:vm';

export interface IdleGc {
  /** A one-shot answer has been written (or abandoned); `bytes`: the audio it held. */
  noteAnswer(bytes: number): void;
  /** Collections run so far. */
  readonly runs: number;
  close(): void;
}

export interface IdleGcOptions {
  /** Answers' bytes since the last collection that make one worth it; 0: never collect. */
  minBytes: number;
  /** Quiet time after the last such answer before collecting (a burst gets one collection). */
  quietMs?: number;
  /** Whether synthesis is under way: the collection waits another quiet time while it is. */
  busy?: () => boolean;
  /** The collection itself (default: V8's, run from a task of its own, off the caller's stack). */
  collect?: () => void;
}

type GcFunction = (options?: { type: 'major'; execution: 'async' }) => unknown;
let exposed: GcFunction | undefined;

/** V8's gc(): the global when node runs with --expose-gc, else fetched from a fresh context. */
function gcFunction(): GcFunction {
  if (exposed) return exposed;
  const global = (globalThis as { gc?: GcFunction }).gc;
  if (typeof global === 'function') return (exposed = global);
  // The flag only installs gc() in contexts made while it is on: made and dropped at once, so
  // neither this realm nor worker threads started later see a `gc` global.
  v8.setFlagsFromString('--expose-gc');
  try {
    exposed = vm.runInNewContext('gc') as GcFunction;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
  return exposed;
}

function v8Collect(): void {
  void gcFunction()({ type: 'major', execution: 'async' });
}

export function createIdleGc({
  minBytes,
  quietMs = 1000,
  busy = () => false,
  collect = v8Collect,
}: IdleGcOptions): IdleGc {
  let pending = 0;
  let runs = 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(run, quietMs);
    timer.unref(); // never holds the process open
  };
  function run(): void {
    if (busy()) return arm();
    timer = undefined;
    pending = 0;
    runs += 1;
    collect();
  }
  return {
    noteAnswer(bytes) {
      if (minBytes <= 0) return;
      pending += bytes;
      if (pending >= minBytes) arm();
    },
    get runs() {
      return runs;
    },
    close() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
