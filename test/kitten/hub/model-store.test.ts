import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ModelLoadError } from '../../../src/errors.js';
import type { HubOptions } from '../../../src/kitten/hub/hub.js';
import { createModelStore } from '../../../src/kitten/hub/model-store.js';
import { writeNpz } from '../../../src/kitten/npz.js';
import { DEFAULT_ALIASES, VOICE_KEYS } from '../../../src/kitten/voices.js';

const COMMIT = 'c'.repeat(40);
const config = (extra: object = {}) =>
  JSON.stringify({ type: 'ONNX2', model_file: 'model.onnx', voices: 'voices.npz', ...extra });
const VOICES = writeNpz(
  Object.fromEntries(VOICE_KEYS.map((k) => [k, { shape: [2, 256], data: new Float32Array(512) }])),
);
const ONNX = new Uint8Array(20_000).fill(7);

/** A minimal hub serving one repo directly (ETag = sha256), with a switch to fail every request. */
let server: Server;
let endpoint: string;
let failing = false;
const requests: string[] = [];
const repoFiles: Record<string, Record<string, Uint8Array>> = {
  'KittenML/kitten-tts-nano-0.8-fp32': {
    'config.json': new TextEncoder().encode(
      config({
        speed_priors: { 'expr-voice-4-m': 0.9 },
        voice_aliases: { Bella: 'expr-voice-2-f' },
      }),
    ),
    'model.onnx': ONNX,
    'voices.npz': VOICES,
  },
  'KittenML/kitten-tts-nano-0.1': {
    'config.json': new TextEncoder().encode(config({ type: 'ONNX1' })),
    'model.onnx': ONNX,
    'voices.npz': VOICES,
  },
};

const tmp = mkdtempSync(path.join(os.tmpdir(), 'kitten-store-'));
let cacheDir: string;
const hub = (extra: Partial<HubOptions> = {}): HubOptions => ({
  endpoint,
  offline: false,
  cacheDir,
  ...extra,
});

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const m = /^\/([^/]+\/[^/]+)\/resolve\/[^/]+\/(.+)$/.exec(req.url!);
    const bytes = m ? repoFiles[m[1]!]?.[m[2]!] : undefined;
    if (failing || !bytes) return void res.writeHead(failing ? 503 : 404).end();
    const etag = createHash('sha256').update(bytes).digest('hex');
    res.writeHead(200, {
      'x-repo-commit': COMMIT,
      etag: `"${etag}"`,
      'content-length': bytes.length,
    });
    res.end(req.method === 'HEAD' ? undefined : bytes);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
  rmSync(tmp, { recursive: true, force: true });
});
beforeEach(() => {
  cacheDir = mkdtempSync(path.join(tmp, 'cache-'));
  requests.length = 0;
  failing = false;
});

function modelDir(name: string, configText = config()): string {
  const dir = path.join(tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'config.json'), configText);
  writeFileSync(path.join(dir, 'model.onnx'), ONNX);
  writeFileSync(path.join(dir, 'voices.npz'), VOICES);
  return dir;
}

describe('createModelStore', () => {
  it('resolves a seed id from KITTENTTS_MODEL_DIRS before the hub', async () => {
    const dir = modelDir('local-nano');
    const store = createModelStore({
      hub: hub({ offline: true }),
      modelDirs: { 'kitten-tts-nano': dir },
    });
    const { files } = await store.resolve('kitten-tts-nano');
    expect(files).toEqual({
      id: 'kitten-tts-nano',
      modelPath: path.join(dir, 'model.onnx'),
      voicesPath: path.join(dir, 'voices.npz'),
      type: 'ONNX2',
      speedPriors: {},
      voiceAliases: DEFAULT_ALIASES,
    });
    expect(requests).toHaveLength(0);
  });

  it('downloads a seed id from its hub repo into the cache', async () => {
    const store = createModelStore({ hub: hub(), modelDirs: {} });
    const { files, loadS } = await store.resolve('kitten-tts-nano');
    const snapshot = path.join(
      cacheDir,
      'models--KittenML--kitten-tts-nano-0.8-fp32',
      'snapshots',
      COMMIT,
    );
    expect(files).toEqual({
      id: 'kitten-tts-nano',
      modelPath: path.join(snapshot, 'model.onnx'),
      voicesPath: path.join(snapshot, 'voices.npz'),
      type: 'ONNX2',
      speedPriors: { 'expr-voice-4-m': 0.9 },
      voiceAliases: { Bella: 'expr-voice-2-f' },
    });
    expect(existsSync(files.modelPath) && existsSync(files.voicesPath)).toBe(true);
    expect(loadS).toBeGreaterThan(0);
    expect(requests.every((r) => r.includes('/KittenML/kitten-tts-nano-0.8-fp32/resolve/'))).toBe(
      true,
    );
  });

  it('shares one resolve between concurrent callers and answers from memory afterwards', async () => {
    const store = createModelStore({ hub: hub(), modelDirs: {} });
    const [a, b] = await Promise.all([
      store.resolve('kitten-tts-nano'),
      store.resolve('kitten-tts-nano'),
    ]);
    expect(a.files).toBe(b.files);
    expect(requests.filter((r) => r.startsWith('GET')).length).toBe(3);
    const again = await store.resolve('kitten-tts-nano');
    expect(again).toEqual({ files: a.files, loadS: 0 });
    expect(requests.filter((r) => r.startsWith('GET')).length).toBe(3);
  });

  it('does not remember a failed resolve', async () => {
    const store = createModelStore({ hub: hub(), modelDirs: {} });
    failing = true;
    await expect(store.resolve('kitten-tts-nano')).rejects.toThrow('the hub answered HTTP 503');
    failing = false;
    await expect(store.resolve('kitten-tts-nano')).resolves.toMatchObject({
      files: { type: 'ONNX2' },
    });
  });

  it('resolves hub repo ids and local folders too, giving alias-less configs the standard names', async () => {
    const store = createModelStore({ hub: hub(), modelDirs: {} });
    const old = await store.resolve('kitten-tts-nano-0.1');
    expect(old.files).toMatchObject({
      id: 'kitten-tts-nano-0.1',
      type: 'ONNX1',
      voiceAliases: DEFAULT_ALIASES,
    });
    const dir = modelDir('by-path');
    expect((await store.resolve(dir)).files.modelPath).toBe(path.join(dir, 'model.onnx'));
  });

  it('explains a broken local folder', async () => {
    const dir = modelDir('broken');
    rmSync(path.join(dir, 'voices.npz'));
    const store = createModelStore({
      hub: hub({ offline: true }),
      modelDirs: { mine: dir, none: path.join(tmp, 'nope') },
    });
    await expect(store.resolve('mine')).rejects.toThrow(
      `model 'mine': ${path.join(dir, 'config.json')} names ${path.join(dir, 'voices.npz')}, which does not exist`,
    );
    const err = await store.resolve('none').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as Error).message).toContain(
      `cannot read ${path.join(tmp, 'nope', 'config.json')} (ENOENT)`,
    );
  });

  it('fails offline with the hub message when the cache is empty', async () => {
    const store = createModelStore({ hub: hub({ offline: true }), modelDirs: {} });
    await expect(store.resolve('kitten-tts-mini')).rejects.toThrow(
      /KittenML\/kitten-tts-mini-0.8 .*not in the cache .*kittentts pull/,
    );
  });

  it('knows the seed ids and the KITTENTTS_MODEL_DIRS ids', () => {
    const store = createModelStore({
      hub: hub(),
      modelDirs: { 'kitten-tts-nano': tmp, custom: tmp },
    });
    expect(store.knownIds()).toEqual([
      'kitten-tts-nano',
      'kitten-tts-mini',
      'kitten-tts-micro',
      'kitten-tts-nano-int8',
      'custom',
    ]);
  });

  it('sizes the cache from a walk that is reused until it is too old', async () => {
    const store = createModelStore({ hub: hub(), modelDirs: {}, cacheSizeMaxAgeMs: 200 });
    expect(await store.cacheSizeBytes()).toBe(0);
    await store.resolve('kitten-tts-nano');
    const downloaded = await store.cacheSizeBytes(); // a download invalidates the last walk
    const files = repoFiles['KittenML/kitten-tts-nano-0.8-fp32']!;
    const blobBytes = Object.values(files).reduce((n, b) => n + b.length, 0);
    expect(downloaded).toBe(blobBytes + COMMIT.length);
    writeFileSync(path.join(cacheDir, 'extra.bin'), new Uint8Array(1000));
    expect(await store.cacheSizeBytes()).toBe(downloaded);
    await new Promise((r) => setTimeout(r, 250));
    expect(await store.cacheSizeBytes()).toBe(downloaded + 1000);
  });
});
