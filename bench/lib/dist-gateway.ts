// The gateway as `npm start` runs it: the built dist/src/main.js in a process of its own, with the
// environment it is given in place of this one's (so glibc reads the given GLIBC_TUNABLES, or none,
// at start). Its URL comes from the line it prints once listening.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { procStatus } from './proc-status.js';

export interface DistGateway {
  readonly url: string;
  readonly pid: number;
  /** The process's resident memory now, in bytes (the kernel's VmRSS). */
  rss(): number;
  stop(): Promise<void>;
}

/** Compiles src/ and workers/ into dist/, as `npm start` does first. */
export function buildDist(): void {
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
}

export async function startDistGateway(env: Record<string, string>): Promise<DistGateway> {
  const child: ChildProcess = spawn(process.execPath, ['dist/src/main.js'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let said = '';
    child.stderr!.on('data', (piece: Buffer) => {
      said += piece.toString();
      const m = /listening on (http:\/\/\S+)/.exec(said);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}: ${said}`)));
  });
  const pid = child.pid!;
  return {
    url,
    pid,
    rss: () => procStatus(pid),
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
