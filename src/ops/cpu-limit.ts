// The CPUs this process may use: the machine's, or fewer where a container's cgroup caps them
// (cgroup v2 `cpu.max` holds "QUOTA PERIOD", or "max PERIOD" when there is no cap). Workers sized
// from the machine's count in a 2-CPU container would oversubscribe it and all run slow.
import { readFileSync } from 'node:fs';
import os from 'node:os';

export const CGROUP_CPU_MAX = '/sys/fs/cgroup/cpu.max';

/** CPUs a `cpu.max` text allows (rounded down, at least 1), or undefined when it sets no cap. */
export function cpuLimitOf(cpuMax: string | undefined): number | undefined {
  const [quota, period] = (cpuMax ?? '').trim().split(/\s+/);
  const q = Number(quota);
  const p = Number(period ?? 100_000);
  if (quota === 'max' || !Number.isFinite(q) || !Number.isFinite(p) || q <= 0 || p <= 0)
    return undefined;
  return Math.max(1, Math.floor(q / p));
}

/** The `cpu.max` file's text, or undefined where there is none (not Linux, cgroup v1). */
export function readCpuMax(file = CGROUP_CPU_MAX): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Cores to size the worker pool by: the machine's, capped by the cgroup's limit. */
export function usableCores(cpuMax: string | undefined = readCpuMax()): number {
  const machine = Math.max(1, os.availableParallelism());
  return Math.min(machine, cpuLimitOf(cpuMax) ?? machine);
}
