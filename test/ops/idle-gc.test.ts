import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createIdleGc } from '../../src/ops/idle-gc.js';
import { waitFor } from '../helpers/wait.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A scheduler test: a fake clock and a counting collection. */
function counted(minBytes: number) {
  vi.useFakeTimers();
  let collections = 0;
  const gc = createIdleGc({ minBytes, quietMs: 1000, collect: () => (collections += 1) });
  return { gc, collections: () => collections };
}

describe('createIdleGc', () => {
  it('collects once, after the quiet time, when an answer reaches the threshold', () => {
    const { gc, collections } = counted(100);
    gc.noteAnswer(100);
    vi.advanceTimersByTime(999);
    expect(collections()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(collections()).toBe(1);
    expect(gc.runs).toBe(1);
    vi.advanceTimersByTime(60_000);
    expect(collections()).toBe(1);
  });

  it('adds small answers up until they reach the threshold, then starts counting afresh', () => {
    const { gc, collections } = counted(100);
    for (let i = 0; i < 9; i++) gc.noteAnswer(10);
    vi.advanceTimersByTime(5000);
    expect(collections()).toBe(0);
    gc.noteAnswer(10);
    vi.advanceTimersByTime(1000);
    expect(collections()).toBe(1);
    gc.noteAnswer(99);
    vi.advanceTimersByTime(5000);
    expect(collections()).toBe(1);
  });

  it('gives a burst of large answers one collection, after the last', () => {
    const { gc, collections } = counted(100);
    for (let i = 0; i < 5; i++) {
      gc.noteAnswer(500);
      vi.advanceTimersByTime(500);
    }
    expect(collections()).toBe(0);
    vi.advanceTimersByTime(500);
    expect(collections()).toBe(1);
  });

  it('waits, a quiet time at a time, while synthesis is under way', () => {
    vi.useFakeTimers();
    let collections = 0;
    let busy = true;
    const gc = createIdleGc({
      minBytes: 100,
      quietMs: 1000,
      busy: () => busy,
      collect: () => (collections += 1),
    });
    gc.noteAnswer(100);
    vi.advanceTimersByTime(5000);
    expect(collections).toBe(0);
    busy = false;
    vi.advanceTimersByTime(1000);
    expect(collections).toBe(1);
  });

  it('never collects with a threshold of 0, nor after close', () => {
    const off = counted(0);
    off.gc.noteAnswer(1e9);
    vi.advanceTimersByTime(10_000);
    expect(off.collections()).toBe(0);
    const closed = counted(100);
    closed.gc.noteAnswer(100);
    closed.gc.close();
    vi.advanceTimersByTime(10_000);
    expect(closed.collections()).toBe(0);
  });

  it("runs V8's own full collection by default, without leaving a gc global behind", async () => {
    const forced: PerformanceEntry[] = [];
    const obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const { kind, flags } = (e as unknown as { detail: { kind: number; flags: number } })
          .detail;
        if (
          kind === constants.NODE_PERFORMANCE_GC_MAJOR &&
          flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED
        )
          forced.push(e);
      }
    });
    obs.observe({ entryTypes: ['gc'] });
    try {
      const hadGlobal = 'gc' in globalThis;
      const gc = createIdleGc({ minBytes: 1, quietMs: 0 });
      gc.noteAnswer(1);
      await waitFor(() => forced.length > 0, 20_000, 'a forced major GC');
      expect(gc.runs).toBe(1);
      expect('gc' in globalThis).toBe(hadGlobal);
    } finally {
      obs.disconnect();
    }
  });
});
