// Runs `tsx src/cli/index.ts <args>` as a real child process and collects its exit code and output.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const TSX = path.resolve('node_modules/.bin/tsx');
export const CLI = path.resolve('src/cli/index.ts');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

export interface RunCliOptions {
  env?: Record<string, string | undefined>;
  stdin?: string;
  timeoutMs?: number;
}

/** The environment a test child gets: this one without settings that would leak in. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(KITTENTTS_|HF_)|^(PORT|HOST)$/.test(key)) delete env[key];
  }
  return { ...env, ...extra };
}

export function spawnCli(args: string[], options: RunCliOptions = {}): ChildProcess {
  return spawn(TSX, [CLI, ...args], {
    env: cleanEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

export function runCli(args: string[], options: RunCliOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, options);
  const out: Buffer[] = [];
  let err = '';
  child.stdout!.on('data', (b: Buffer) => out.push(b));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  child.stdin!.end(options.stdin ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 50_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: err });
    });
  });
}
