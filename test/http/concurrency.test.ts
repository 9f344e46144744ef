// N concurrent /api/generate requests on N workers run side by side: neither waits for the other,
// unlike the seed server where inference on the event loop serializes them. The check reads each
// request's own timings (total time minus its worker time is its wait), so it holds on a busy
// machine too; bench/ measures the throughput figures.
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

interface Debug {
  generation_time: number;
  total_time: number;
  model_load_time: number;
}

async function concurrent(n: number): Promise<Debug[]> {
  const results = await Promise.all(
    Array.from({ length: n }, () => fetch(`${gw.url}/api/generate`, { method: 'POST', body: JSON.stringify({ text }) })),
  );
  for (const r of results) expect(r.status).toBe(200);
  return Promise.all(results.map(async (r) => ((await r.json()) as { debug_info: Debug }).debug_info));
}

describe('the worker pool', () => {
  it('runs two concurrent syntheses on two workers without either waiting for the other', async () => {
    await concurrent(2); // both workers load the model
    for (let round = 0; round < 2; round++) {
      const timings = await concurrent(2);
      for (const t of timings) {
        const waited = t.total_time - t.generation_time - t.model_load_time;
        // Queued behind the other request, it would have waited a whole synthesis.
        expect(waited).toBeLessThan(0.5 * t.generation_time);
      }
    }
  });

  it('queues a third request behind the two running ones when there are two workers', async () => {
    const timings = await concurrent(3);
    const waits = timings.map((t) => t.total_time - t.generation_time - t.model_load_time);
    const longest = Math.max(...timings.map((t) => t.generation_time));
    // Exactly one of the three waited for a worker: this is what makes the check above meaningful.
    expect(waits.filter((w) => w > 0.5 * longest)).toHaveLength(1);
  });
});
