import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const STANDIN = path.resolve('.standin/tiny');
const REPO = 'KittenML/kitten-tts-nano-0.8-fp32';
const COMMIT = 'c'.repeat(40);

/** A Hugging Face-shaped hub: HEAD and GET on /{repo}/resolve/{rev}/{file} with the hub's headers. */
function startHub(files: Map<string, Buffer>, requests: string[]): Promise<Server> {
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const m = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(req.url ?? '');
    const body = m && m[1] === REPO ? files.get(decodeURIComponent(m[3]!)) : undefined;
    if (!body) {
      res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end();
      return;
    }
    res.writeHead(200, {
      'x-repo-commit': COMMIT,
      etag: `"${createHash('sha256').update(body).digest('hex')}"`,
      'content-length': body.length,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('kittentts pull', () => {
  let server: Server;
  let endpoint: string;
  let cacheDir: string;
  const requests: string[] = [];

  beforeAll(async () => {
    const files = new Map(
      readdirSync(STANDIN).map((f) => [f, readFileSync(path.join(STANDIN, f))]),
    );
    server = await startHub(files, requests);
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    cacheDir = await mkdtemp(path.join(os.tmpdir(), 'kittentts-pull-'));
  });

  afterAll(async () => {
    server.close();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('downloads a model into the hub cache, logs progress to stderr and prints the snapshot folder', async () => {
    const r = await runCli([
      'pull',
      'kitten-tts-nano',
      '--hf-endpoint',
      endpoint,
      '--cache-dir',
      cacheDir,
    ]);
    expect(r.stderr).toContain('kitten_tts_nano_v0_8.onnx [');
    expect(r.stderr).toMatch(/voices\.npz \[#+\] 100%/);
    expect(r.stderr).toContain(`${REPO} (revision cccccccccccc) downloaded`);
    expect(r.code).toBe(0);
    const dir = r.stdout.toString().trim();
    expect(dir).toBe(
      path.join(cacheDir, 'models--KittenML--kitten-tts-nano-0.8-fp32', 'snapshots', COMMIT),
    );
    for (const f of ['config.json', 'kitten_tts_nano_v0_8.onnx', 'voices.npz']) {
      expect((await readFile(path.join(dir, f))).equals(readFileSync(path.join(STANDIN, f)))).toBe(
        true,
      );
    }
  });

  it('answers from the cache the second time without asking the hub', async () => {
    const before = requests.length;
    const r = await runCli([
      'pull',
      'kitten-tts-nano',
      '--hf-endpoint',
      endpoint,
      '--cache-dir',
      cacheDir,
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('already in the cache');
    expect(requests.length).toBe(before);
  });

  it('shows the pulled model with its path in kittentts models', async () => {
    const r = await runCli(['models', '--json', '--cache-dir', cacheDir]);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout.toString()) as { id: string; path: string | null }[];
    expect(rows.find((m) => m.id === 'kitten-tts-nano')?.path).toContain(COMMIT);
    expect(rows.find((m) => m.id === 'kitten-tts-mini')?.path).toBeNull();
  });

  it('fails with exit code 1 and the hub error on stderr for a missing repo', async () => {
    const r = await runCli([
      'pull',
      'kitten-tts-mini',
      '--hf-endpoint',
      endpoint,
      '--cache-dir',
      cacheDir,
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr).toMatch(
      /kittentts pull: .*not found: KittenML\/kitten-tts-mini-0\.8\/config\.json/,
    );
  });

  it('fails offline when the model is not cached', async () => {
    const r = await runCli(['pull', 'kitten-tts-micro', '--offline', '--cache-dir', cacheDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/HF_HUB_OFFLINE/);
  });

  it('rejects a missing or malformed model id and a local folder with exit code 2', async () => {
    for (const args of [[], ['a/b/c'], ['./some-folder'], ['x', 'y']]) {
      const r = await runCli(['pull', ...args, '--cache-dir', cacheDir]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^kittentts pull: /);
    }
  });

  it('prints its usage with --help', async () => {
    const r = await runCli(['pull', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toMatch(/^Usage: kittentts pull <model-id>/);
  });
});
