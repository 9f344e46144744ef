import { describe, expect, it } from 'vitest';
import { classifyLate, decompose } from '../../src/session/chunk-lateness.js';
import { ChunkTrace } from '../../src/session/chunk-trace.js';

/** A synthesis that took `workerMs` on a worker. */
const ms = (workerMs: number) => ({ cached: false, timings: { generationS: workerMs / 1000 } });

describe('classifyLate', () => {
  it('blames the text when it was complete only after the audio before it ran out', () => {
    const cause = classifyLate({ textCompleteMs: 1200, neededAtMs: 1000, workerMs: 50 });
    expect(cause).toBe('text_late');
  });

  it('blames the chunk size when its synthesis outlasts the audio left at its text', () => {
    const cause = classifyLate({
      textCompleteMs: 800,
      neededAtMs: 1000,
      workerMs: 300,
      synthesizedMs: 1100,
    });
    expect(cause).toBe('synthesis_longer_than_buffer');
  });

  it('blames the queue when the synthesis would have fit but started too late', () => {
    const cause = classifyLate({
      textCompleteMs: 200,
      neededAtMs: 1000,
      workerMs: 300,
      synthesizedMs: 1150,
    });
    expect(cause).toBe('queue_wait');
  });

  it('blames the main thread when the audio was ready in time and still left late', () => {
    const cause = classifyLate({
      textCompleteMs: 200,
      neededAtMs: 1000,
      workerMs: 300,
      synthesizedMs: 900,
    });
    expect(cause).toBe('main_thread');
  });

  it('never blames the size of a cached chunk, which cost no synthesis', () => {
    const cause = classifyLate({
      textCompleteMs: 950,
      neededAtMs: 1000,
      workerMs: 300,
      cached: true,
      synthesizedMs: 1010,
    });
    expect(cause).toBe('queue_wait');
  });
});

describe('ChunkTrace and decompose', () => {
  /** A session's chunks on a fake clock: each step sets the clock, then marks the stage. */
  function run(steps: Array<[number, (t: ChunkTrace) => void]>): ChunkTrace {
    let now = 0;
    const trace = new ChunkTrace(() => now);
    for (const [at, step] of steps) {
      now = at;
      step(trace);
    }
    return trace;
  }

  it('counts a late later chunk by its cause and never the first chunk of a turn', () => {
    const trace = run([
      [0, (t) => t.enqueued(0, 20, true, 0)],
      [10, (t) => t.dispatched(0, 1, 0)],
      [500, (t) => t.synthesized(0, ms(490))], // slow first audio: TTFA, not an underrun
      [510, (t) => t.sent(0, 1)], // plays 510–1510
      [2000, (t) => t.enqueued(1, 20, false, 2000)], // its text came after the audio ran out
      [2010, (t) => t.dispatched(1, 0, 1510)],
      [2200, (t) => t.synthesized(1, ms(190))],
      [2210, (t) => t.sent(1, 1)],
    ]);
    const summary = decompose(trace.records());
    expect(summary).toMatchObject({ chunks: 1, late: 1 });
    expect(summary.causes).toEqual({
      text_late: 1,
      synthesis_longer_than_buffer: 0,
      queue_wait: 0,
      main_thread: 0,
    });
    expect(trace.records()[1]).toMatchObject({ worker: 0, neededAtMs: 1510, stallMs: 700 });
  });

  it('plays a chunk that arrives in time after the audio before it, with no stall', () => {
    const trace = run([
      [0, (t) => t.enqueued(0, 20, true, 0)],
      [0, (t) => t.enqueued(1, 20, false, 0)],
      [100, (t) => t.sent(0, 2)], // plays 100–2100
      [300, (t) => t.sent(1, 1)],
    ]);
    expect(trace.records()[1]).toMatchObject({ playStartMs: 2100 });
    expect(trace.records()[1]!.stallMs).toBeUndefined();
    expect(decompose(trace.records())).toMatchObject({ chunks: 1, late: 0 });
  });

  it('starts a new turn after endTurn: its first chunk is never an underrun', () => {
    const trace = run([
      [0, (t) => t.enqueued(0, 20, true, 0)],
      [100, (t) => t.sent(0, 0.5)],
      [200, (t) => t.endTurn()],
      [5000, (t) => t.enqueued(1, 20, true, 5000)],
      [5300, (t) => t.sent(1, 0.5)],
    ]);
    expect(decompose(trace.records())).toMatchObject({ chunks: 0, late: 0 });
  });

  it('keeps only the newest records once the ring is full', () => {
    let now = 0;
    const trace = new ChunkTrace(() => now++, 3);
    for (let seq = 0; seq < 5; seq++) trace.enqueued(seq, 1, seq === 0, 0);
    expect(trace.records().map((r) => r.seq)).toEqual([2, 3, 4]);
  });

  it('tells its listener each stage in lifecycle order', () => {
    const stages: string[] = [];
    let now = 0;
    const trace = new ChunkTrace(() => now++);
    trace.listener = (e) => stages.push(`${e.record.seq}:${e.stage}`);
    trace.enqueued(0, 5, true, 0);
    trace.dispatched(0, 1, 0);
    trace.dispatched(0, 0, 0); // a later model chunk of the same sentence: not a new dispatch
    trace.synthesized(0, ms(10));
    trace.encoded(0);
    trace.sent(0, 1);
    expect(stages).toEqual([
      '0:text_complete',
      '0:enqueued',
      '0:dispatched',
      '0:synthesized',
      '0:encoded',
      '0:sent',
    ]);
  });
});
