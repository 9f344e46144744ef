import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { cpuLimitOf, usableCores } from '../../src/ops/cpu-limit.js';

describe('the cgroup CPU limit', () => {
  it('reads a quota over its period as whole CPUs, at least one', () => {
    expect(cpuLimitOf('200000 100000\n')).toBe(2);
    expect(cpuLimitOf('150000 100000')).toBe(1);
    expect(cpuLimitOf('50000 100000')).toBe(1);
  });

  it('sees no limit in "max", an empty file or nonsense', () => {
    expect(cpuLimitOf('max 100000')).toBeUndefined();
    expect(cpuLimitOf(undefined)).toBeUndefined();
    expect(cpuLimitOf('lots of cpus')).toBeUndefined();
  });

  it('never counts more cores than the machine has', () => {
    const machine = os.availableParallelism();
    expect(usableCores(`${(machine + 8) * 100_000} 100000`)).toBe(machine);
    expect(usableCores('max 100000')).toBe(machine);
  });

  it('sizes the worker pool by the container limit, not the machine', () => {
    expect(loadConfig({}, '100000 100000').workers).toBe(1);
    expect(loadConfig({ KITTENTTS_WORKERS: '3' }, '100000 100000').workers).toBe(3);
    expect(loadConfig({ KITTENTTS_THREADS_PER_WORKER: '1' }, 'max 100000').workers).toBe(
      os.availableParallelism(),
    );
  });
});
