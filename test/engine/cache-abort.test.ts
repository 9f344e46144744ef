import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SynthesisRequest } from '../../src/engine/engine.js';
import { sentences, startTestGateway, type TestGateway } from '../helpers/gateway.js';

// The synthesis cache answers without a worker, so it must look at the caller's abort itself: a
// hit, and a waiter that joined another request's synthesis, stop when their own signal aborts.
// The gateway's real engine: one worker thread with the stand-in model, the cache on.

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ KITTENTTS_WORKERS: '1', KITTENTTS_SYNTH_CACHE_MB: '64' });
});
afterAll(async () => {
  await gw?.cleanup();
});

const request = (text: string, signal?: AbortSignal): SynthesisRequest => ({
  modelId: 'kitten-tts-nano',
  text,
  voice: 'Jasper',
  speed: 1,
  ...(signal ? { signal } : {}),
});

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('the synthesis cache and aborts', () => {
  it('delivers no cached chunk after its caller aborts', async () => {
    const text = sentences(6, 'Cached');
    await gw.engine.synthesize(request(text));
    const abort = new AbortController();
    let delivered = 0;
    const hits = gw.engine.cacheStats().hits;
    const run = gw.engine.synthesizeEach(request(text, abort.signal), () => {
      delivered++;
      abort.abort();
    });
    expect(await rejectionOf(run)).toMatchObject({ name: 'AbortError' });
    expect(delivered).toBe(1);
    expect(gw.engine.cacheStats().hits - hits).toBeLessThan(6);
  });

  it("lets a request that joined another's synthesis abort alone", async () => {
    const shared = 'A sentence two requests ask for at once.';
    // The one worker is busy with this, so the shared chunk waits in the air, joined.
    const before = gw.engine.synthesize(request('Something else is being said first.'));
    const owner = gw.engine.synthesize(request(shared));
    const abort = new AbortController();
    const joiner = rejectionOf(gw.engine.synthesize(request(shared, abort.signal)));
    const onDispatch = gw.engine.scheduler.onDispatch;
    let dispatched = 0;
    gw.engine.scheduler.onDispatch = (info) => {
      onDispatch?.(info);
      // The second job is the shared chunk going to the worker: the joiner is waiting on it.
      if (++dispatched === 2) abort.abort();
    };
    try {
      await before;
      expect(await joiner).toMatchObject({ name: 'AbortError' });
      expect((await owner).samples.length).toBeGreaterThan(0);
      expect(dispatched).toBe(2);
    } finally {
      gw.engine.scheduler.onDispatch = onDispatch;
    }
  });
});
