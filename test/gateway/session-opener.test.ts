// The session opener's wiring of load-aware chunking to the listeners it admitted: with more live
// real-time listeners than workers, a chunk that would hold a worker too long ends at its next cut.
// A fake engine whose estimates leave every listener an ample buffer and no queue, so only that
// rule (KITTENTTS_CHUNK_HOLD_MS: 4 ms, which the fake's 0.1 ms a character reaches at the 40th) can cut a sentence short.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { PoolEngine } from '../../src/engine/pool-engine.js';
import { sessionOpener } from '../../src/gateway/session-opener.js';
import { Metrics } from '../../src/ops/metrics.js';
import { FakeEngine, tick } from '../session/fake-engine.js';

const TEXT = 'Sure. Then she said, with a smile on her face, that it was fine by her.';

function setUp() {
  const config = loadConfig({ KITTENTTS_WORKERS: '2', KITTENTTS_CHUNK_HOLD_MS: '4' }, undefined);
  const engine = new FakeEngine();
  engine.estimateScale = 1e4; // minutes of audio ahead of every listener
  const metrics = new Metrics({
    queueDepth: () => 0,
    busyWorkers: () => 0,
    workers: () => 2,
    liveSessions: () => 0,
    modelLoadTimes: () => ({}),
  });
  // Nothing measured yet: admission has no cap, so every listener is admitted.
  const pool = Object.assign(engine, { measuredAudioSPerS: () => undefined });
  const open = sessionOpener(config, pool as unknown as PoolEngine, metrics);
  const listener = () =>
    open({ modelId: 'kitten-tts-nano', voice: 'Bella', firstChunk: 'auto', maxInFlight: 8 }, 'ws');
  return { engine, listener };
}

async function spoken(
  engine: FakeEngine,
  session: ReturnType<ReturnType<typeof setUp>['listener']>,
) {
  const before = engine.texts().length;
  session.pushText(TEXT, { flush: true });
  await tick();
  return engine.texts().slice(before);
}

describe('session opener: chunking under contention', () => {
  it('keeps a sentence whole while no more listeners are live than workers', async () => {
    const { engine, listener } = setUp();
    const [a] = [listener(), listener()];
    expect(await spoken(engine, a!)).toEqual([
      'Sure.',
      'Then she said, with a smile on her face, that it was fine by her.',
    ]);
  });

  it('cuts it at its clauses once a third listener is live on two workers, and not after it leaves', async () => {
    const { engine, listener } = setUp();
    const [a, b, c] = [listener(), listener(), listener()];
    expect(await spoken(engine, a)).toEqual([
      'Sure.',
      'Then she said, with a smile on her face,',
      'that it was fine by her.',
    ]);
    c.close();
    expect(await spoken(engine, b)).toEqual([
      'Sure.',
      'Then she said, with a smile on her face, that it was fine by her.',
    ]);
  });
});
