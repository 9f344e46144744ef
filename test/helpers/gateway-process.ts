// A gateway in a child process (`src/main.ts`), for tests of what only a real process does: signals,
// exit codes, stderr. Resolves once it has logged the URL it listens on.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { waitFor } from './wait.js';

export interface GatewayProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** The exit code, once it has exited. */
  readonly exited: Promise<number | null>;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
}

/** Starts `src/main.ts` with PATH, HOME, PORT=0, HOST=127.0.0.1 and `env` as its whole environment. */
export async function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('src/main.ts')], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: '0',
      HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (s: string) => (stderr += s));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const listening = /listening on (http:\S+)/;
  await waitFor(() => listening.test(stderr), 40_000, 'listening line');
  return { child, url: listening.exec(stderr)![1]!, exited, stderr: () => stderr };
}
