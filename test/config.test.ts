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
