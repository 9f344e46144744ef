import { describe, expect, it } from 'vitest';
import { TooManyRequestsError } from '../../src/errors.js';
import { edfPolicy } from '../../src/engine/edf-policy.js';
import { harness } from '../helpers/fake-scheduler.js';

describe('Scheduler', () => {
  it('runs the queued job with the earliest deadline first, whatever the order it came in', async () => {
    const h = harness({ workers: 1 });
    void h.submit('busy', { deadline: 0 });
    for (const [name, deadline] of [
      ['late', 300],
      ['soon', 100],
      ['middle', 200],
    ] as const)
      void h.submit(name, { deadline });
    await h.finish('busy');
    await h.finish('soon');
    await h.finish('middle');
    expect(h.names()).toEqual(['busy', 'soon', 'middle', 'late']);
  });

  it('reads a deadline when it decides, so a deadline that moved counts where it is now', async () => {
    const h = harness({ workers: 1 });
    let moving = 500;
    void h.submit('busy', { deadline: 0 });
    void h.submit('fixed', { deadline: 200 });
    void h.submit('moving', { deadline: () => moving });
    moving = 100; // its listener's audio runs out sooner than first thought
    await h.finish('busy');
    expect(h.names()).toEqual(['busy', 'moving']);
  });

  it('keeps no worker idle while a runnable job waits, whichever session it belongs to', async () => {
    const h = harness({ workers: 3 });
    void h.submit('a1', { deadline: 10 });
    void h.submit('a2', { deadline: 20 });
    void h.submit('b1', { deadline: 30 });
    expect(h.started.map((s) => s.worker).sort()).toEqual([0, 1, 2]);
    expect(h.scheduler.stats()).toMatchObject({ busyWorkers: 3, queued: 0 });
    void h.submit('c1', { deadline: 40 });
    await h.finish('a2');
    expect(h.started.at(-1)).toMatchObject({ name: 'c1', worker: h.started[1]!.worker });
  });

  it('lets one-shots use every worker while no real-time session is live', () => {
    const h = harness({ workers: 2 });
    void h.submit('long-1', { kind: 'oneshot', deadline: 2000 });
    void h.submit('long-2', { kind: 'oneshot', deadline: 3000 });
    expect(h.names()).toEqual(['long-1', 'long-2']);
  });

  it('keeps one worker for real-time chunks while a session is live, so a turn never waits for a one-shot', async () => {
    const h = harness({ workers: 2 });
    void h.submit('turn-1', { deadline: 0 });
    await h.finish('turn-1');
    void h.submit('long-1', { kind: 'oneshot', deadline: 2000 });
    void h.submit('long-2', { kind: 'oneshot', deadline: 3000 });
    expect(h.names()).toEqual(['turn-1', 'long-1']); // long-2 waits although worker 1 is free
    h.advance(500);
    void h.submit('turn-2', { deadline: 500 });
    expect(h.names()).toEqual(['turn-1', 'long-1', 'turn-2']); // started at once
    await h.finish('turn-2');
    await h.finish('long-1');
    expect(h.names().at(-1)).toBe('long-2');
    h.advance(20_000); // the session went quiet: one-shots may take every worker again
    void h.submit('long-3', { kind: 'oneshot', deadline: 20_000 });
    expect(h.names().at(-1)).toBe('long-3');
  });

  it('does not starve a one-shot: once its deadline passes it runs before newer real-time work', async () => {
    const h = harness({ workers: 1 });
    void h.submit('rt-0', { deadline: 0 });
    void h.submit('oneshot', { kind: 'oneshot', deadline: 1000 });
    // A steady stream of new turns, each due the moment it arrives.
    for (let i = 1; i <= 10; i++) {
      h.advance(400);
      void h.submit(`rt-${i}`, { deadline: h.advance(0) });
      await h.finish(h.names().at(-1)!);
      if (h.names().includes('oneshot')) break;
    }
    const at = h.started.find((s) => s.name === 'oneshot')!.at;
    expect(at).toBeGreaterThanOrEqual(1000);
    expect(at).toBeLessThanOrEqual(1200); // the first decision after its deadline
  });

  it('does not let a one-shot starve others: a new turn goes before its chunks that are due later', async () => {
    const h = harness({ workers: 1 });
    // A long one-shot's chunks, due at the pace of its audio (2 s each) after a 2 s slack.
    for (let k = 0; k < 5; k++)
      void h.submit(`long-${k}`, { kind: 'oneshot', deadline: 2000 + k * 2000 });
    h.advance(300);
    void h.submit('turn', { deadline: 300 });
    await h.finish('long-0');
    expect(h.names()).toEqual(['long-0', 'turn']);
  });

  it('breaks a tie in deadlines in favour of the job whose model a free worker has loaded', async () => {
    const h = harness({ workers: 1 });
    void h.submit('warm-up', { deadline: 0, model: 'mini' });
    await h.finish('warm-up');
    void h.submit('busy', { deadline: 0 });
    void h.submit('cold', { deadline: 100, model: 'micro' });
    void h.submit('warm', { deadline: 100, model: 'mini' });
    await h.finish('busy');
    expect(h.names().at(-1)).toBe('warm');
  });

  it('sends a job to the free worker that has its model loaded', async () => {
    const h = harness({ workers: 2 });
    void h.submit('a', { deadline: 0, model: 'nano' });
    void h.submit('b', { deadline: 0, model: 'mini' });
    await h.finish('a');
    await h.finish('b');
    void h.submit('again-mini', { deadline: 10, model: 'mini' });
    expect(h.started.at(-1)!.worker).toBe(h.started[1]!.worker);
  });

  it('drops a queued job whose request is cancelled, while a running one finishes', async () => {
    const h = harness({ workers: 1 });
    const running = new AbortController();
    const queued = new AbortController();
    const first = h.submit('running', { deadline: 0, signal: running.signal });
    const second = h.submit('queued', { deadline: 10, signal: queued.signal });
    queued.abort(new Error('client left'));
    running.abort(new Error('client left'));
    await expect(second).rejects.toThrow('client left');
    expect(h.scheduler.stats().queued).toBe(0);
    await h.finish('running');
    await expect(first).resolves.toBe('running');
    expect(h.names()).toEqual(['running']);
  });

  it('refuses a job past the queue limit with a 429 that says when to retry', async () => {
    const h = harness({ workers: 1, maxQueued: 2 });
    void h.submit('running', { deadline: 0 });
    void h.submit('q1', { deadline: 1 });
    void h.submit('q2', { deadline: 2 });
    const refused = h.submit('q3', { deadline: 3 });
    await expect(refused).rejects.toBeInstanceOf(TooManyRequestsError);
    await expect(refused).rejects.toMatchObject({ status: 429, retryAfterS: 1 });
  });

  it('with a one-worker policy reserve of zero, a lone worker still runs one-shots beside live sessions', () => {
    const h = harness({ workers: 1, policy: edfPolicy({ reservedWorkers: 1 }) });
    void h.submit('turn', { deadline: 0 });
    void h.submit('oneshot', { kind: 'oneshot', deadline: 10 });
    void h.finish('turn');
    return new Promise<void>((r) => setImmediate(r)).then(() => {
      expect(h.names()).toEqual(['turn', 'oneshot']);
    });
  });

  it('counts the work ahead of a deadline: what running jobs have left and queued real-time jobs due no later, per worker', () => {
    const h = harness({ workers: 2 });
    void h.submit('a', { deadline: 0 });
    void h.submit('b', { deadline: 0 });
    void h.submit('soon', { deadline: 100 });
    void h.submit('later', { deadline: 500 });
    void h.submit('oneshot', { kind: 'oneshot', deadline: 50 });
    expect(h.names()).toEqual(['a', 'b']);
    h.advance(40); // each running job (100 ms estimated) has 60 ms left
    expect(h.scheduler.backlogMs(200)).toBe((60 + 60 + 100) / 2);
    expect(h.scheduler.backlogMs(1000)).toBe((60 + 60 + 100 + 100) / 2);
    h.advance(1000); // overran its estimate: counts as nothing left, never negative
    expect(h.scheduler.backlogMs(0)).toBe(0);
  });
});
