// N concurrent /api/generate requests on N workers take about the time of one: inference runs in
// parallel worker threads, not queued behind each other on the event loop. The bound is loose on
// purpose (shared machines are noisy); bench/ measures the real figures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ KITTENTTS_WORKERS: '2' });
});
afterAll(async () => {
  await gw?.cleanup();
});

const text = 'Every worker thread runs its own copy of the model, so requests do not wait for each other. '.repeat(24);

async function timed(n: number): Promise<number> {
  const t0 = performance.now();
  const results = await Promise.all(
    Array.from({ length: n }, () => fetch(`${gw.url}/api/generate`, { method: 'POST', body: JSON.stringify({ text }) })),
  );
  for (const r of results) expect(r.status).toBe(200);
  await Promise.all(results.map((r) => r.arrayBuffer()));
  return performance.now() - t0;
}

describe('the worker pool', () => {
  it('runs two concurrent syntheses on two workers in about the time of one', async () => {
    await timed(2); // both workers load the model
    const one: number[] = [];
    const two: number[] = [];
    for (let i = 0; i < 3; i++) {
      one.push(await timed(1));
      two.push(await timed(2));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
    // Serial execution would take 2×; parallel about 1×.
    expect(median(two) / median(one)).toBeLessThan(1.6);
  });
});
