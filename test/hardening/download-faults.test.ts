import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256, startFakeHub, folderFiles, type FakeHub } from '../helpers/fake-hub.js';
import { startTestGateway, type TestGateway, TINY_DIR } from '../helpers/gateway.js';
import { postJson } from '../helpers/http.js';

const NANO = 'KittenML/kitten-tts-nano-0.8-fp32';
/** One model per fault: a model the server loaded once is never downloaded again. */
const REPOS: Record<string, string> = {
  'kitten-tts-micro': 'KittenML/kitten-tts-micro-0.8',
  'kitten-tts-mini': 'KittenML/kitten-tts-mini-0.8',
  'kitten-tts-nano-int8': 'KittenML/kitten-tts-nano-0.8-int8',
};
const COMMIT = 'd'.repeat(40);
const FILES = folderFiles(TINY_DIR);
const ONNX = 'kitten_tts_nano_v0_8.onnx';
const isRoot = process.getuid?.() === 0;

/** Every file under dir (links followed) with its sha256: what "intact" is checked against. */
function digests(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(e.parentPath, e.name);
    if (!e.isDirectory()) out[path.relative(dir, full)] = sha256(readFileSync(full));
  }
  return out;
}

/**
 * Ways the cache stops being writable in the middle of a download, each one that fails for root
 * too (CI runs tests as root, and root ignores permission bits): `set` breaks micro's part of the
 * cache after nano is cached, `clear` repairs it.
 */
const FAULTS: {
  name: string;
  model: string;
  skip?: boolean;
  detail: RegExp;
  set(root: string): void;
}[] = [
  {
    model: 'kitten-tts-micro',
    // The model's blob is written through /dev/full, which fails every write with ENOSPC.
    name: 'the disk is full',
    skip: !existsSync('/dev/full'),
    detail: /the disk is full \(ENOSPC\)/,
    set: (root) => {
      mkdirSync(path.join(root, 'blobs'), { recursive: true });
      const partial = path.join(root, 'blobs', `${sha256(FILES[ONNX]!)}.incomplete`);
      symlinkSync('/dev/full', partial);
    },
  },
  {
    // A file where the repo's folder must be: mkdir fails for every user, root included.
    name: 'its folder cannot be created',
    model: 'kitten-tts-mini',
    detail: /a file stands where a folder must be \(ENOTDIR\)/,
    set: (root) => writeFileSync(root, 'in the way'),
  },
  {
    // Permission bits: only meaningful for a user who is not root.
    name: 'it is read-only',
    model: 'kitten-tts-nano-int8',
    skip: isRoot,
    detail: /not writable by this user \(EACCES\)/,
    set: (root) => {
      mkdirSync(root);
      chmodSync(root, 0o555);
    },
  },
];

describe('a model download into a cache that cannot be written', () => {
  let hub: FakeHub;
  let gw: TestGateway;
  let nanoFiles: Record<string, string>;
  const repoRoot = (repo: string) => path.join(gw.cacheDir, `models--${repo.replace('/', '--')}`);

  beforeAll(async () => {
    const repos = Object.fromEntries(Object.values(REPOS).map((r) => [r, FILES]));
    hub = await startFakeHub({ [NANO]: FILES, ...repos }, COMMIT);
    gw = await startTestGateway({
      HF_HUB_OFFLINE: '0',
      HF_ENDPOINT: hub.base,
      KITTENTTS_MODEL_DIRS: '',
      KITTENTTS_WORKERS: '1',
    });
    // The default model comes from the hub into the cache: the files that must stay intact.
    expect((await postJson(`${gw.url}/api/generate`, { text: 'Warm up.' })).status).toBe(200);
    nanoFiles = digests(repoRoot(NANO));
    expect(Object.keys(nanoFiles).filter((f) => f.startsWith('snapshots'))).toHaveLength(3);
  });
  afterAll(async () => {
    await gw?.cleanup();
    await hub?.close();
  });

  for (const fault of FAULTS) {
    it.skipIf(fault.skip)(
      `answers a clear 500 when ${fault.name}, keeps serving the cached model, then recovers`,
      async () => {
        const root = repoRoot(REPOS[fault.model]!);
        rmSync(root, { recursive: true, force: true });
        fault.set(root);
        const res = await postJson(`${gw.url}/api/generate`, {
          text: 'Hello there.',
          model: fault.model,
        });
        expect(res.status).toBe(500);
        const { detail } = (await res.json()) as { detail: string };
        expect(
          detail.startsWith(`cannot write the model cache at ${gw.cacheDir} to download`),
        ).toBe(true);
        expect(detail).toMatch(fault.detail);
        expect(detail).toContain(`${REPOS[fault.model]}: `);
        expect(detail).toContain('set KITTENTTS_CACHE_DIR to a writable folder');
        // The model has no snapshot (nothing half-made under a final name); nano is untouched and served.
        expect(existsSync(path.join(root, 'snapshots'))).toBe(false);
        expect(digests(repoRoot(NANO))).toEqual(nanoFiles);
        const nano = await postJson(`${gw.url}/api/generate`, { text: 'Still here.' });
        expect(nano.status).toBe(200);
        const health = (await (await fetch(`${gw.url}/api/health`)).json()) as {
          status: string;
          loaded_models: string[];
        };
        expect(health.status).toBe('healthy');
        expect(health.loaded_models).toContain('kitten-tts-nano');
        expect(health.loaded_models).not.toContain(fault.model);
        // Repaired, the same server downloads it on the next request: no restart, no poisoned state.
        if (existsSync(root)) chmodSync(root, 0o755);
        rmSync(root, { recursive: true, force: true });
        const again = await postJson(`${gw.url}/api/generate`, {
          text: 'Hello there.',
          model: fault.model,
        });
        expect(again.status).toBe(200);
      },
    );
  }
});
