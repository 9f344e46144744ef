// A real cluster on 127.0.0.1 for the tests and the benchmarks: a redis-server on a free port (no
// persistence), gateway processes (`tsx src/main.ts`, the stand-in model, an empty offline
// cache) and an HAProxy balancing round robin over them. Every process is killed by its pid in
// stop()/kill(); nothing is left behind. No test framework here, so bench/ imports it too.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { cleanEnv } from '../cli/run-cli.js';
import { TINY_DIR } from './gateway.js';

export const REDIS_SERVER = '/usr/bin/redis-server';
export const HAPROXY = '/usr/sbin/haproxy';
export const REDIS_CLI = '/usr/bin/redis-cli';

/** A port nobody listens on right now (the kernel's pick, released at once). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Proc {
  readonly child: ChildProcess;
  /** Everything it wrote on stderr so far. */
  stderr(): string;
  /** SIGKILL (kill -9) and wait for the exit. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

function track(child: ChildProcess): Proc {
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (err = (err + s).slice(-20_000)));
  child.stdout?.resume();
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    stderr: () => err,
    async kill() {
      if (!gone()) child.kill('SIGKILL');
      await exited;
    },
    async stop(graceMs = 15_000) {
      if (!gone()) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resolves when `pattern` appears on the child's output; rejects if it exits first. */
function waitForOutput(p: Proc, pattern: RegExp, timeoutMs: number, stream: 'stdout' | 'stderr') {
  return new Promise<RegExpExecArray>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${pattern}; stderr: ${p.stderr()}`)),
      timeoutMs,
    );
    const onData = (s: Buffer | string) => {
      seen += String(s);
      const m = pattern.exec(seen);
      if (m) {
        clearTimeout(timer);
        p.child[stream]?.off('data', onData);
        resolve(m);
      }
    };
    p.child[stream]?.on('data', onData);
    p.child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before ${pattern}; stderr: ${p.stderr()}`));
    });
  });
}

export interface RedisServer extends Proc {
  readonly port: number;
  readonly url: string;
}

/** redis-server on `port` (a free one by default), without persistence. */
export async function startRedis(port?: number): Promise<RedisServer> {
  const p = port ?? (await freePort());
  const args = ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const proc = track(spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  await waitForOutput(proc, /Ready to accept connections/, 20_000, 'stdout');
  return { ...proc, port: p, url: `redis://127.0.0.1:${p}` };
}

/** One command through redis-cli (a test's view of the keys, or a change behind the gateways' backs). */
export function redisCli(server: { port: number }, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(REDIS_CLI, ['-p', String(server.port), ...args], (err, stdout) =>
      err ? reject(err) : resolve(stdout.trim()),
    ),
  );
}

export interface Replica extends Proc {
  readonly id: string;
  readonly url: string;
  readonly port: number;
}

/** One gateway process (1 worker by default), serving the tiny stand-in as kitten-tts-nano. */
export async function startReplica(id: string, env: Record<string, string> = {}) {
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'kitten-cluster-cache-'));
  // node itself with tsx's loader (not the tsx CLI, whose child would outlive a SIGKILL).
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('src/main.ts')], {
    env: cleanEnv({
      PORT: '0',
      HOST: '127.0.0.1',
      KITTENTTS_CACHE_DIR: cacheDir,
      HF_HUB_OFFLINE: '1',
      KITTENTTS_MODEL_DIRS: `kitten-tts-nano=${TINY_DIR}`,
      KITTENTTS_WORKERS: '1',
      KITTENTTS_SYNTH_CACHE_MB: '0',
      KITTENTTS_LOG_LEVEL: 'error',
      KITTENTTS_REPLICA_ID: id,
      ...env,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc = track(child);
  child.once('exit', () => rmSync(cacheDir, { recursive: true, force: true }));
  const m = await waitForOutput(proc, /listening on (http:\/\/\S+)/, 60_000, 'stderr');
  const url = m[1]!.replace(/\/$/, '');
  return { ...proc, id, url, port: Number(new URL(url).port) } satisfies Replica;
}

export interface Balancer extends Proc {
  readonly url: string;
}

/** HAProxy on a free port: round robin over `backends`, WebSocket upgrades passed through. */
export async function startHaproxy(backends: readonly { id: string; port: number }[]) {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kitten-haproxy-'));
  const cfg = path.join(dir, 'haproxy.cfg');
  writeFileSync(
    cfg,
    [
      'defaults',
      '  mode http',
      '  timeout connect 2s',
      '  timeout client 60s',
      '  timeout server 60s',
      '  timeout tunnel 1h',
      // A request to a replica that died is sent to another one.
      '  retries 2',
      '  option redispatch',
      'frontend web',
      `  bind 127.0.0.1:${port}`,
      '  default_backend replicas',
      'backend replicas',
      '  balance roundrobin',
      '  option httpchk GET /api/health',
      ...backends.map(
        (b) => `  server ${b.id} 127.0.0.1:${b.port} check inter 500ms fall 3 rise 1`,
      ),
      '',
    ].join('\n'),
  );
  const child = spawn(HAPROXY, ['-db', '-f', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = track(child);
  child.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const url = `http://127.0.0.1:${port}`;
  // Listening and every backend seen up once by its health check.
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`haproxy exited: ${proc.stderr()}`);
    const ok = await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok && i > 10) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { ...proc, url } satisfies Balancer;
}
