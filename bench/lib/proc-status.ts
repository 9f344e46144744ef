// A process's memory as the kernel counts it, from Linux's /proc/<pid>/status: resident now
// (VmRSS) or at its peak since the last reset (VmHWM; write 5 to /proc/<pid>/clear_refs to reset).
import { readFileSync } from 'node:fs';

/** Bytes of `key` for process `pid` ('self' for this one). */
export function procStatus(pid: number | 'self', key: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1]) * 1024;
}
