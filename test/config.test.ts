import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

describe('loadConfig cpuMemArena', () => {
  it('keeps the arena on unless told otherwise', () => {
    expect(loadConfig({}).cpuMemArena).toBe(true);
    expect(loadConfig({ MALLOC_MMAP_THRESHOLD_: '131072' }).cpuMemArena).toBe(true);
  });

  it('turns the arena off with KITTENTTS_CPU_ARENA=off', () => {
    expect(loadConfig({ KITTENTTS_CPU_ARENA: 'off' }).cpuMemArena).toBe(false);
    expect(loadConfig({ KITTENTTS_CPU_ARENA: 'on' }).cpuMemArena).toBe(true);
  });

  it('refuses a value it does not know', () => {
    expect(() => loadConfig({ KITTENTTS_CPU_ARENA: 'auto' })).toThrow(/KITTENTTS_CPU_ARENA/);
  });
});

describe('loadConfig workerIdleReleaseMs', () => {
  it('renews a worker session after 30 s without work unless told otherwise', () => {
    expect(loadConfig({}).workerIdleReleaseMs).toBe(30_000);
  });

  it('never renews a worker session when set to 0', () => {
    expect(loadConfig({ KITTENTTS_WORKER_IDLE_RELEASE_MS: '0' }).workerIdleReleaseMs).toBe(0);
  });

  it('reads KITTENTTS_WORKER_IDLE_RELEASE_MS in milliseconds', () => {
    expect(loadConfig({ KITTENTTS_WORKER_IDLE_RELEASE_MS: '30000' }).workerIdleReleaseMs).toBe(
      30_000,
    );
  });

  it('carries the glibc allocator settings the process started with', () => {
    const env = { GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=1048576' };
    expect(loadConfig(env).allocator.GLIBC_TUNABLES).toBe(env.GLIBC_TUNABLES);
    expect(loadConfig({}).allocator.GLIBC_TUNABLES).toBeUndefined();
  });

  it('refuses a negative or non-integer value', () => {
    expect(() => loadConfig({ KITTENTTS_WORKER_IDLE_RELEASE_MS: '-1' })).toThrow(
      /KITTENTTS_WORKER_IDLE_RELEASE_MS/,
    );
    expect(() => loadConfig({ KITTENTTS_WORKER_IDLE_RELEASE_MS: '1.5' })).toThrow(
      /KITTENTTS_WORKER_IDLE_RELEASE_MS/,
    );
  });
});
