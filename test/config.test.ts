import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

describe('loadConfig cpuMemArena', () => {
  it('keeps the arena on when glibc keeps freed memory (nothing set)', () => {
    expect(loadConfig({}).cpuMemArena).toBe(true);
  });

  it('turns the arena off where glibc gives freed memory back', () => {
    expect(loadConfig({ MALLOC_TRIM_THRESHOLD_: '0' }).cpuMemArena).toBe(false);
    expect(loadConfig({ MALLOC_MMAP_THRESHOLD_: '131072' }).cpuMemArena).toBe(false);
    expect(loadConfig({ GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=0' }).cpuMemArena).toBe(false);
    expect(loadConfig({ GLIBC_TUNABLES: 'glibc.cpu.hwcaps=-AVX' }).cpuMemArena).toBe(true);
  });

  it('obeys KITTENTTS_CPU_ARENA over the allocator', () => {
    expect(loadConfig({ KITTENTTS_CPU_ARENA: 'on', MALLOC_TRIM_THRESHOLD_: '0' }).cpuMemArena).toBe(
      true,
    );
    expect(loadConfig({ KITTENTTS_CPU_ARENA: 'off' }).cpuMemArena).toBe(false);
  });

  it('refuses a value it does not know', () => {
    expect(() => loadConfig({ KITTENTTS_CPU_ARENA: 'maybe' })).toThrow(/KITTENTTS_CPU_ARENA/);
  });
});
