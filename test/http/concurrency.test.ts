// One-shot requests on the shared scheduler: every /api/generate text becomes one job per model
// chunk, so two workers serve two requests at once, one long text uses both workers when nothing
// else runs, and concurrent requests interleave their chunks by deadline instead of queueing whole.
// The checks read the scheduler's dispatch order (engine.scheduler.onDispatch), never the clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DispatchInfo } from '../../src/engine/scheduler.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { postJson } from '../helpers/http.js';

let gw: TestGateway;
let dispatched: Array<DispatchInfo & { busy: number }> = [];
beforeAll(async () => {
  gw = await startTestGateway({ KITTENTTS_WORKERS: '2' });
  gw.engine.scheduler.onDispatch = (info) =>
    dispatched.push({ ...info, busy: gw.engine.stats().busyWorkers });
});
afterAll(async () => {
  await gw?.cleanup();
});

const sentence =
  'Every worker thread runs its own copy of the model, so requests do not wait for each other. ';
/** Six model chunks of about 370 characters. */
const longText = sentence.repeat(24);

async function generate(texts: string[]): Promise<void> {
  const results = await Promise.all(
    texts.map((text) => postJson(`${gw.url}/api/generate`, { text })),
  );
  for (const r of results) expect(r.status).toBe(200);
  await Promise.all(results.map((r) => r.json()));
}

describe('one-shot requests on the scheduler', () => {
  it('runs two concurrent requests on two workers at once', async () => {
    await generate([sentence, sentence]); // both workers load the model
    dispatched = [];
    await generate([sentence, sentence]);
    expect(new Set(dispatched.map((d) => d.worker))).toEqual(new Set([0, 1]));
    expect(Math.max(...dispatched.map((d) => d.busy))).toBe(2);
  });

  it('spreads one long text over both workers when nothing else runs', async () => {
    dispatched = [];
    await generate([longText]);
    expect(dispatched.length).toBeGreaterThanOrEqual(6);
    expect(new Set(dispatched.map((d) => d.job.group)).size).toBe(1);
    expect(new Set(dispatched.map((d) => d.worker))).toEqual(new Set([0, 1]));
  });

  it('starts every concurrent request before any of them gets a third chunk', async () => {
    dispatched = [];
    await generate([longText, longText, longText]);
    const groups = dispatched.map((d) => d.job.group);
    const firsts = [...new Set(groups)].map((g) => groups.indexOf(g));
    const thirds = [...new Set(groups)].map((g) => indexOfNth(groups, g, 3));
    expect(firsts).toHaveLength(3);
    expect(Math.max(...firsts)).toBeLessThan(Math.min(...thirds));
    // And no request waited for another to finish: their chunks alternate.
    const firstDone = groups.lastIndexOf(groups[0]!);
    expect(groups.slice(0, firstDone).filter((g) => g !== groups[0]).length).toBeGreaterThan(0);
  });
});

function indexOfNth(items: readonly string[], item: string, n: number): number {
  let seen = 0;
  for (let i = 0; i < items.length; i++) if (items[i] === item && ++seen === n) return i;
  return Infinity;
}
