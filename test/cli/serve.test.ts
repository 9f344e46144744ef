import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { wyomingClient } from '../helpers/wyoming-client.js';
import { runCli, spawnCli } from './run-cli.js';

const MODEL_ENV = {
  KITTENTTS_MODEL_DIRS: `kitten-tts-nano=${path.resolve('.standin/tiny')}`,
  HF_HUB_OFFLINE: '1',
};

describe('kittentts serve', () => {
  it('serves the API on the port given and exits 0 on SIGTERM', async () => {
    const child = spawnCli(['serve', '--port', '0', '--host', '127.0.0.1', '--workers', '1'], {
      env: MODEL_ENV,
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no listening line; stderr: ${stderr}`)),
        40_000,
      );
      child.stderr!.on('data', (s: string) => {
        stderr += s;
        const m = /listening on (http:\/\/\S+)/.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!.replace(/\/$/, ''));
        }
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'healthy' });
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('also serves the Wyoming protocol with --wyoming-port and says where', async () => {
    const child = spawnCli(
      ['serve', '--port', '0', '--wyoming-port', '0', '--host', '127.0.0.1', '--workers', '1'],
      { env: MODEL_ENV },
    );
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no Wyoming line; stderr: ${stderr}`)),
        40_000,
      );
      child.stderr!.on('data', (s: string) => {
        stderr += s;
        const m = /Wyoming \(Home Assistant\) listening on tcp:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    const c = await wyomingClient(port);
    c.send('describe');
    expect((await c.next()).type).toBe('info');
    c.close();
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('reports an invalid flag value on stderr with exit code 2', async () => {
    const r = await runCli(['serve', '--port', 'eighty']);
    expect(r.code).toBe(2);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr).toMatch(/^kittentts serve: Invalid settings: PORT: /);
  });

  it('exits 1 with the reason on stderr when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = String((blocker.address() as AddressInfo).port);
    try {
      const r = await runCli(['serve', '--port', port, '--workers', '1'], {
        env: MODEL_ENV,
        timeoutMs: 40_000,
      });
      expect(r.signal).toBeNull();
      expect(r.code).toBe(1);
      expect(r.stdout.length).toBe(0);
      expect(r.stderr).toMatch(/port is already in use/);
      expect(r.stderr).not.toMatch(/\n\s+at /); // a sentence, not a stack trace
    } finally {
      blocker.close();
    }
  });

  it('prints its usage with --help', async () => {
    const r = await runCli(['serve', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toMatch(/^Usage: kittentts serve/);
  });
});
