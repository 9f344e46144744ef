// Starts the gateway or the seed baseline in a child process (see server-child.ts) and talks to it:
// its URL, event-loop lag and RSS on demand, and a clean stop.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildStats } from './server-child.js';

export type ServerSpec =
  | { kind: 'gateway'; env: Record<string, string>; policy?: 'pinned-fifo' }
  | { kind: 'seed'; intraOpThreads: number }
  | { kind: 'sherpa'; engines: number };

export interface ServerProcess {
  readonly url: string;
  /** The gateway's Wyoming port, when KITTENTTS_WYOMING_PORT turned the door on. */
  readonly wyomingPort: number | undefined;
  readonly pid: number;
  stats(): Promise<ChildStats>;
  resetLag(): Promise<void>;
  close(): Promise<void>;
}

const ENTRY = fileURLToPath(new URL('./server-child.ts', import.meta.url));

/** `processEnv`: set in the child's real environment (what glibc reads at start, e.g. MALLOC_*). */
export async function startServerProcess(
  spec: ServerSpec,
  startTimeoutMs = 60_000,
  processEnv: Record<string, string> = {},
): Promise<ServerProcess> {
  const child: ChildProcess = fork(ENTRY, [JSON.stringify(spec)], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...processEnv },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 0;
  const pending = new Map<number, (value: unknown) => void>();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let wyomingPort: number | undefined;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('server child did not start in time')),
      startTimeoutMs,
    );
    child.once('exit', (code) => reject(new Error(`server child exited with ${code}`)));
    type Message = { type: string; id?: number; url?: string; wyomingPort?: number };
    child.on('message', (msg: Message & { stats?: ChildStats }) => {
      if (msg.type === 'ready') {
        clearTimeout(timer);
        wyomingPort = msg.wyomingPort;
        resolve(msg.url!);
      } else if (msg.id !== undefined) {
        pending.get(msg.id)?.(msg.stats);
        pending.delete(msg.id);
      }
    });
  });
  const ask = <T>(type: string) =>
    new Promise<T>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve as (v: unknown) => void);
      child.send({ type, id });
    });
  return {
    url,
    wyomingPort,
    pid: child.pid!,
    stats: () => ask<ChildStats>('stats'),
    resetLag: () => ask<void>('reset'),
    async close() {
      child.send({ type: 'close', id: -1 });
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
