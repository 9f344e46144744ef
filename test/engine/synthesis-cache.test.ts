// The synthesis cache on its own: the byte bound, LRU order, single flight, and "off".
import { describe, expect, it } from 'vitest';
import { SynthesisCache, type CachedChunk } from '../../src/engine/synthesis-cache.js';

const audio = (n: number, value = 0.5) => chunk(new Float32Array(n).fill(value));
const chunk = (samples: Float32Array, words: CachedChunk['words'] = []) => ({
  audio: samples,
  words,
});

describe('SynthesisCache', () => {
  it('keeps its bytes within the bound under a stream of distinct phrases, evicting the oldest', async () => {
    const cache = new SynthesisCache(4000); // ten 100-sample (400-byte) chunks
    for (let i = 0; i < 100; i++) {
      await cache.get(`phrase ${i}`, async () => audio(100, i));
      expect(cache.stats().bytes).toBeLessThanOrEqual(4000);
    }
    expect(cache.stats()).toMatchObject({ entries: 10, evictions: 90, misses: 100, hits: 0 });
    // The newest stayed, the oldest went.
    let made = 0;
    await cache.get('phrase 99', async () => (made++, audio(100)));
    await cache.get('phrase 0', async () => (made++, audio(100)));
    expect(made).toBe(1);
  });

  it('returns a copy equal to what the miss made, which the caller may change freely', async () => {
    const cache = new SynthesisCache(1 << 20);
    const first = await cache.get('k', async () => chunk(Float32Array.of(1, 2, 3)));
    first.audio.fill(0);
    const second = await cache.get('k', async () => chunk(Float32Array.of(9)));
    expect(second).toEqual({ audio: Float32Array.of(1, 2, 3), words: [], hit: true });
  });

  it('hands a chunk too big to keep to its one asker as made, and a kept one as a copy', async () => {
    const cache = new SynthesisCache(4000);
    const big = new Float32Array(2000);
    const small = new Float32Array(10);
    expect((await cache.get('big', async () => chunk(big))).audio).toBe(big);
    expect((await cache.get('small', async () => chunk(small))).audio).not.toBe(small);
    expect(cache.stats().entries).toBe(1);
  });

  it('copies a chunk too big to keep for each of several askers, none sharing the made audio', async () => {
    const cache = new SynthesisCache(4000);
    const big = new Float32Array(2000).fill(0.5);
    let finish: (a: CachedChunk) => void = () => {};
    const make = () => new Promise<CachedChunk>((r) => (finish = r));
    const askers = [cache.get('big', make), cache.get('big', make)];
    finish(chunk(big));
    const results = await Promise.all(askers);
    expect(results.every((r) => r.audio !== big && r.audio[0] === 0.5)).toBe(true);
    expect(results[0]!.audio).not.toBe(results[1]!.audio);
  });

  it('runs identical chunks asked for at once a single time and gives every asker the audio', async () => {
    const cache = new SynthesisCache(1 << 20);
    let runs = 0;
    let finish: (a: CachedChunk) => void = () => {};
    const make = () => {
      runs++;
      return new Promise<CachedChunk>((r) => (finish = r));
    };
    const askers = Array.from({ length: 20 }, () => cache.get('same sentence', make));
    finish(chunk(Float32Array.of(0.25, 0.5)));
    const results = await Promise.all(askers);
    expect(runs).toBe(1);
    expect(results.map((r) => [...r.audio])).toEqual(Array(20).fill([0.25, 0.5]));
    expect(results.filter((r) => !r.hit)).toHaveLength(1);
  });

  it('lets a waiter make its own audio when the synthesis it waited on failed', async () => {
    const cache = new SynthesisCache(1 << 20);
    let fail: (e: Error) => void = () => {};
    const first = cache.get('k', () => new Promise<CachedChunk>((_, reject) => (fail = reject)));
    const second = cache.get('k', async () => chunk(Float32Array.of(7)));
    fail(new Error('aborted'));
    await expect(first).rejects.toThrow('aborted');
    expect(await second).toEqual({ audio: Float32Array.of(7), words: [], hit: false });
  });

  it('does nothing when off (0 bytes): every ask makes its audio, nothing is held', async () => {
    const cache = new SynthesisCache(0);
    let runs = 0;
    await Promise.all([1, 2, 3].map(() => cache.get('k', async () => (runs++, audio(10)))));
    expect(runs).toBe(3);
    expect(cache.enabled).toBe(false);
    expect(cache.stats()).toEqual({ hits: 0, misses: 0, evictions: 0, bytes: 0, entries: 0 });
  });

  it('gives the words of a miss back on every hit, equal and in order', async () => {
    const cache = new SynthesisCache(1 << 20);
    const words = [
      { text: 'one', from: 0, to: 3, startSample: 600, endSample: 4200 },
      { text: 'two', from: 4, to: 7, startSample: 4800, endSample: 9000, sharedWith: 1 },
    ];
    const miss = await cache.get('k', async () => chunk(audio(10).audio, words));
    const hit = await cache.get('k', async () => chunk(audio(10).audio, []));
    expect(miss.words).toEqual(words);
    expect(hit).toMatchObject({ hit: true, words });
  });

  it('never holds a chunk larger than the whole bound', async () => {
    const cache = new SynthesisCache(100);
    await cache.get('big', async () => audio(1000));
    expect(cache.stats().entries).toBe(0);
  });

  it('schedules a shared synthesis by the earliest deadline of everyone waiting for it', async () => {
    const cache = new SynthesisCache(1_000_000);
    let finish: (c: CachedChunk) => void = () => {};
    let due: () => number = () => NaN;
    const first = cache.get(
      'phrase',
      (deadline) => {
        due = deadline;
        return new Promise<CachedChunk>((r) => (finish = r));
      },
      () => 5000,
    );
    expect(due()).toBe(5000);
    const urgent = cache.get(
      'phrase',
      async () => audio(10),
      () => 1000,
    );
    const relaxed = cache.get(
      'phrase',
      async () => audio(10),
      () => 9000,
    );
    await Promise.resolve();
    expect(due()).toBe(1000);
    finish(audio(10));
    expect((await Promise.all([first, urgent, relaxed])).map((c) => c.hit)).toEqual([
      false,
      true,
      true,
    ]);
  });
});
