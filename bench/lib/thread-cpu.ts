// CPU time of a process's threads, read from Linux's /proc (utime + stime, in clock ticks): the
// main thread (its task id is the pid) apart from every other thread (inference workers, libuv).
// process.cpuUsage() would sum them all; the main thread's share is what limits one process.
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second on Linux (USER_HZ; 100 on every mainstream kernel). */
const TICK_MS = 10;

export interface ThreadCpu {
  mainMs: number;
  otherMs: number;
}

function taskMs(pid: number, tid: string): number {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    // Fields after the parenthesized command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0; // a thread that ended between the listing and the read
  }
}

/** The process's CPU so far: its main thread, and all its other live threads together. */
export function threadCpu(pid: number): ThreadCpu {
  let otherMs = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`))
    if (tid !== String(pid)) otherMs += taskMs(pid, tid);
  return { mainMs: taskMs(pid, String(pid)), otherMs };
}
