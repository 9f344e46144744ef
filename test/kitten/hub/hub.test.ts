import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  HubError,
  downloadModel,
  findCachedModel,
  type HubOptions,
  type HubProgress,
} from '../../../src/kitten/hub/hub.js';
import { directorySizeBytes, withCacheLock } from '../../../src/kitten/hub/hub-cache.js';
import { ModelConfigError } from '../../../src/kitten/hub/model-config.js';
import { writeNpz } from '../../../src/kitten/npz.js';
import { VOICE_KEYS } from '../../../src/kitten/voices.js';

const REPO = 'KittenML/kitten-tts-nano-0.8-fp32';
const COMMIT = 'a'.repeat(40);
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const gitSha1 = (b: Uint8Array) =>
  createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');

const CONFIG = new TextEncoder().encode(
  JSON.stringify({
    name: 'Kitten TTS Nano',
    version: '0.8',
    type: 'ONNX2',
    model_file: 'kitten_tts_nano_v0_8.onnx',
    voices: 'voices.npz',
    speed_priors: { 'expr-voice-4-m': 0.9 },
    voice_aliases: { Bella: 'expr-voice-2-f' },
  }),
);
// The hub layer does not parse ONNX: any bytes stand in for the model.
const ONNX = new Uint8Array(randomBytes(300_000));
const VOICES = writeNpz(
  Object.fromEntries(
    VOICE_KEYS.map((k, i) => [k, { shape: [4, 256], data: new Float32Array(1024).fill(i) }]),
  ),
);
const FILES: Record<string, Uint8Array> = {
  'config.json': CONFIG,
  'kitten_tts_nano_v0_8.onnx': ONNX,
  'voices.npz': VOICES,
};
const isLfs = (file: string) => file !== 'config.json';

/**
 * A Hugging Face-shaped hub: /{repo}/resolve/{rev}/{file} answers small files itself (ETag = git
 * blob sha1) and redirects LFS files to an absolute /cdn/{sha256} URL (X-Linked-Etag/-Size), both
 * with X-Repo-Commit. The CDN honours Range. Modes make it misbehave; every request is logged.
 */
interface HubModes {
  /** Cut the connection after this many body bytes of the .onnx, this many times. */
  cut?: { afterBytes: number; times: number };
  /** Serve .onnx bytes that do not match the advertised sha256. */
  wrongHash?: boolean;
  /** Ignore Range headers (answer 200 with the whole file). */
  noRange?: boolean;
  /** Send part of the .onnx, then stall without closing. */
  stall?: boolean;
  /** Answer every request with this status. */
  status?: number;
}

interface Logged {
  method: string;
  url: string;
  range: string | undefined;
  auth: string | undefined;
}

function startHub(): Promise<{ server: Server; base: string; log: Logged[]; modes: HubModes }> {
  const log: Logged[] = [];
  const modes: HubModes = {};
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    log.push({
      method: req.method!,
      url: req.url!,
      range: req.headers.range,
      auth: req.headers.authorization,
    });
    // Always 127.0.0.1: a client that calls the hub "localhost" sees the CDN as another origin.
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (modes.status)
      return void res.writeHead(modes.status, { 'x-error-code': 'GatedRepo' }).end();
    const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(req.url!);
    if (cdn) return serveCdn(req, res, cdn[1]!);
    const m = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(req.url!);
    if (m?.[1] === 'KittenML/kitten-tts-nano-0.8') {
      // A renamed repo: the hub answers with a relative redirect to the new name.
      return void res.writeHead(307, { location: `/${REPO}/resolve/${m[2]}/${m[3]}` }).end();
    }
    if (!m || m[1] !== REPO)
      return void res.writeHead(404, { 'x-error-code': 'RepoNotFound' }).end();
    const file = decodeURIComponent(m[3]!);
    const bytes = FILES[file];
    if (!bytes) return void res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end();
    if (isLfs(file)) {
      return void res
        .writeHead(302, {
          location: `${base}/cdn/${sha256(bytes)}`,
          'x-repo-commit': COMMIT,
          'x-linked-etag': `"${sha256(bytes)}"`,
          'x-linked-size': String(bytes.length),
          etag: 'W/"not-the-blob"',
        })
        .end();
    }
    res.writeHead(200, {
      'x-repo-commit': COMMIT,
      etag: `"${gitSha1(bytes)}"`,
      'content-length': bytes.length,
    });
    res.end(req.method === 'HEAD' ? undefined : bytes);
  });

  function serveCdn(req: IncomingMessage, res: ServerResponse, sha: string): void {
    const file = Object.keys(FILES).find((f) => sha256(FILES[f]!) === sha);
    if (!file) return void res.writeHead(404).end();
    let bytes = FILES[file]!;
    const isModel = file.endsWith('.onnx');
    if (isModel && modes.wrongHash) {
      bytes = bytes.slice();
      bytes[1000] = bytes[1000]! ^ 0xff;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range && !modes.noRange ? Number(range[1]) : 0;
    const headers = { 'content-length': String(bytes.length - start), etag: '"cdn-etag"' };
    if (start > 0) {
      res.writeHead(206, {
        ...headers,
        'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}`,
      });
    } else res.writeHead(200, headers);
    if (isModel && modes.stall) return void res.write(bytes.subarray(start, start + 1000));
    if (isModel && modes.cut && modes.cut.times > 0) {
      modes.cut.times--;
      res.write(bytes.subarray(start, start + modes.cut.afterBytes), () => res.destroy());
      return;
    }
    res.end(bytes.subarray(start));
  }

  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        log,
        modes,
      }),
    ),
  );
}

let hub: Awaited<ReturnType<typeof startHub>>;
let cacheDir: string;
const tmpRoot = mkdtempSync(path.join(os.tmpdir(), 'kitten-hub-'));
const repoRoot = () => path.join(cacheDir, 'models--KittenML--kitten-tts-nano-0.8-fp32');
const options = (extra: Partial<HubOptions> = {}): HubOptions => ({
  endpoint: hub.base,
  offline: false,
  cacheDir,
  ...extra,
});
const gets = (needle: string) =>
  hub.log.filter((r) => r.method === 'GET' && r.url.includes(needle)).length;
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as Error,
  );

beforeAll(async () => {
  hub = await startHub();
});
afterAll(() => {
  hub.server.close();
  rmSync(tmpRoot, { recursive: true, force: true });
});
beforeEach(() => {
  cacheDir = mkdtempSync(path.join(tmpRoot, 'cache-'));
  hub.log.length = 0;
  for (const key of Object.keys(hub.modes)) delete hub.modes[key as keyof HubModes];
});
afterEach(() => hub.server.closeAllConnections());

/** The snapshot is complete and every entry is a relative symlink to a blob holding the right bytes. */
function expectCachedSnapshot(): void {
  expect(readFileSync(path.join(repoRoot(), 'refs', 'main'), 'utf8')).toBe(COMMIT);
  for (const [file, bytes] of Object.entries(FILES)) {
    const entry = path.join(repoRoot(), 'snapshots', COMMIT, file);
    expect(lstatSync(entry).isSymbolicLink()).toBe(true);
    const blob = isLfs(file) ? sha256(bytes) : gitSha1(bytes);
    expect(readlinkSync(entry)).toBe(path.join('..', '..', 'blobs', blob));
    // Compared by digest: a deep equal of 300 kB arrays is needlessly slow.
    expect(sha256(readFileSync(entry))).toBe(sha256(bytes));
  }
  expect(readdirSync(path.join(repoRoot(), 'blobs')).sort()).toEqual(
    [gitSha1(CONFIG), sha256(ONNX), sha256(VOICES)].sort(),
  );
}

describe('downloadModel', () => {
  it('downloads on first use with progress and fills the hub-layout cache', async () => {
    const progress: HubProgress[] = [];
    const model = await downloadModel(REPO, options({ onProgress: (p) => progress.push(p) }));
    expect(model.dir).toBe(path.join(repoRoot(), 'snapshots', COMMIT));
    expect(model.revision).toBe(COMMIT);
    expect(model.config).toMatchObject({
      type: 'ONNX2',
      modelFile: 'kitten_tts_nano_v0_8.onnx',
      voices: 'voices.npz',
    });
    expectCachedSnapshot();
    // Files after config.json are asked for at the commit config.json came from.
    expect(hub.log.some((r) => r.url === `/${REPO}/resolve/${COMMIT}/voices.npz`)).toBe(true);
    for (const [file, bytes] of Object.entries(FILES)) {
      const mine = progress.filter((p) => p.file === file);
      expect(mine[0]).toEqual({ file, receivedBytes: 0, totalBytes: bytes.length });
      expect(mine.at(-1)).toEqual({ file, receivedBytes: bytes.length, totalBytes: bytes.length });
    }
  });

  it('does not touch the network on second use', async () => {
    await downloadModel(REPO, options());
    const requests = hub.log.length;
    const failingFetch = (() => Promise.reject(new Error('network used'))) as typeof fetch;
    const again = await downloadModel(REPO, options({ fetch: failingFetch }));
    expect(again.revision).toBe(COMMIT);
    expect(hub.log.length).toBe(requests);
    expect(await findCachedModel(REPO, { cacheDir })).toEqual(again);
  });

  it('fails offline with an empty cache, saying how to fix it, without a request', async () => {
    const err = await errorOf(downloadModel(REPO, options({ offline: true })));
    expect(err).toBeInstanceOf(HubError);
    expect(err!.message).toContain(`not in the cache at ${repoRoot()}`);
    expect(err!.message).toContain(
      `run \`kittentts pull ${REPO}\` with network access, or set KITTENTTS_MODEL_DIRS`,
    );
    expect(hub.log).toHaveLength(0);
  });

  it('reuses a cache laid out by Python huggingface_hub, offline (plain copies, no symlinks)', async () => {
    const snap = path.join(repoRoot(), 'snapshots', COMMIT);
    mkdirSync(snap, { recursive: true });
    mkdirSync(path.join(repoRoot(), 'refs'));
    writeFileSync(path.join(repoRoot(), 'refs', 'main'), COMMIT);
    for (const [file, bytes] of Object.entries(FILES)) writeFileSync(path.join(snap, file), bytes);
    const model = await downloadModel(REPO, options({ offline: true }));
    expect(model.dir).toBe(snap);
    expect(hub.log).toHaveLength(0);
  });

  it('leaves no cache entry when the connection is cut mid-file, then resumes with Range', async () => {
    hub.modes.cut = { afterBytes: 100_000, times: 1 };
    const err = await errorOf(downloadModel(REPO, options()));
    expect(err).toBeInstanceOf(HubError);
    expect(err!.message).toMatch(
      /download of .*kitten_tts_nano_v0_8.onnx was interrupted after 100000 of 300000 bytes/,
    );
    expect(existsSync(path.join(repoRoot(), 'snapshots'))).toBe(false);
    expect(existsSync(path.join(repoRoot(), 'refs'))).toBe(false);
    expect(existsSync(path.join(repoRoot(), 'blobs', sha256(ONNX)))).toBe(false);
    expect(await findCachedModel(REPO, { cacheDir })).toBeUndefined();

    await downloadModel(REPO, options());
    expect(hub.log.filter((r) => r.url.startsWith('/cdn/') && r.range).map((r) => r.range)).toEqual(
      ['bytes=100000-'],
    );
    expectCachedSnapshot();
  });

  it('restarts cleanly when the server ignores Range', async () => {
    hub.modes.cut = { afterBytes: 50_000, times: 1 };
    await errorOf(downloadModel(REPO, options()));
    hub.modes.noRange = true;
    await downloadModel(REPO, options());
    expectCachedSnapshot();
  });

  it('discards a file whose sha256 does not match and says so', async () => {
    hub.modes.wrongHash = true;
    const err = await errorOf(downloadModel(REPO, options()));
    expect(err).toBeInstanceOf(HubError);
    expect(err!.message).toContain(`kitten_tts_nano_v0_8.onnx is corrupt: its sha256`);
    expect(err!.message).toContain(`does not match the hub's ${sha256(ONNX)}`);
    const blobs = readdirSync(path.join(repoRoot(), 'blobs'));
    expect(blobs.filter((b) => b.startsWith(sha256(ONNX)))).toEqual([]);
    expect(existsSync(path.join(repoRoot(), 'snapshots'))).toBe(false);

    hub.modes.wrongHash = false;
    await downloadModel(REPO, options());
    expectCachedSnapshot();
  });

  it('downloads once for two concurrent first requests', async () => {
    const [a, b] = await Promise.all([
      downloadModel(REPO, options()),
      downloadModel(REPO, options()),
    ]);
    // One shared promise in-process (the file lock alone would also give one download).
    expect(a).toBe(b);
    for (const file of Object.keys(FILES)) {
      expect(gets(isLfs(file) ? sha256(FILES[file]!) : file)).toBe(1);
    }
    expect(
      hub.log.filter((r) => r.method === 'HEAD' && r.url.endsWith('config.json')),
    ).toHaveLength(1);
  });

  it('waits while another process holds the repo lock, then uses what it cached', async () => {
    const lock = path.join(
      cacheDir,
      '.locks',
      path.basename(repoRoot()),
      'kittentts-download.lock',
    );
    mkdirSync(path.dirname(lock), { recursive: true });
    writeFileSync(lock, `${process.pid}\n${os.hostname()}\n`); // a live holder
    const pending = downloadModel(REPO, options());
    await new Promise((r) => setTimeout(r, 300));
    expect(hub.log).toHaveLength(0);
    // The other process finishes: a complete snapshot appears and the lock goes away.
    const snap = path.join(repoRoot(), 'snapshots', COMMIT);
    mkdirSync(snap, { recursive: true });
    for (const [file, bytes] of Object.entries(FILES)) writeFileSync(path.join(snap, file), bytes);
    mkdirSync(path.join(repoRoot(), 'refs'));
    writeFileSync(path.join(repoRoot(), 'refs', 'main'), COMMIT);
    rmSync(lock);
    expect((await pending).dir).toBe(snap);
    expect(hub.log).toHaveLength(0);
  });

  it('follows the relative redirect of a renamed repo', async () => {
    const model = await downloadModel('KittenML/kitten-tts-nano-0.8', options());
    expect(model.revision).toBe(COMMIT);
    expect(
      existsSync(
        path.join(
          cacheDir,
          'models--KittenML--kitten-tts-nano-0.8',
          'snapshots',
          COMMIT,
          'voices.npz',
        ),
      ),
    ).toBe(true);
  });

  it('reports a missing repo as not found', async () => {
    const err = await errorOf(downloadModel('KittenML/no-such-model', options()));
    expect(err).toBeInstanceOf(HubError);
    expect(err!.message).toBe(
      `model repo or file not found: KittenML/no-such-model/config.json at ${hub.base} (RepoNotFound)`,
    );
  });

  it('mentions HF_TOKEN when access is denied, and sends the token to the hub only', async () => {
    hub.modes.status = 401;
    const err = await errorOf(downloadModel(REPO, options()));
    expect(err!.message).toContain(
      'denied (HTTP 401 (GatedRepo)): the repo may be private or gated; set HF_TOKEN',
    );
    hub.modes.status = undefined;
    hub.log.length = 0;
    // The CDN is another origin when reached through "localhost" instead of 127.0.0.1.
    await downloadModel(
      REPO,
      options({ token: 'hf_secret', endpoint: hub.base.replace('127.0.0.1', 'localhost') }),
    );
    expect(
      hub.log
        .filter((r) => r.url.includes('/resolve/'))
        .every((r) => r.auth === 'Bearer hf_secret'),
    ).toBe(true);
    expect(
      hub.log.filter((r) => r.url.startsWith('/cdn/')).every((r) => r.auth === undefined),
    ).toBe(true);
  });

  it('fails clearly when the hub cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((r) => closed.close(r));
    const err = await errorOf(downloadModel(REPO, options({ endpoint })));
    expect(err).toBeInstanceOf(HubError);
    expect(err!.message).toBe(
      `cannot reach the hub at ${endpoint} for ${REPO}/config.json (ECONNREFUSED); check the ` +
        'network and HF_ENDPOINT, or set HF_HUB_OFFLINE=1 to use only the cache',
    );
  });

  it('gives up on a stalled transfer after the idle timeout', async () => {
    hub.modes.stall = true;
    const err = await errorOf(downloadModel(REPO, options({ idleTimeoutMs: 300 })));
    expect(err!.message).toMatch(/interrupted after 1000 of 300000 bytes \(no data for 0.3 s\)/);
  });

  it('rejects a repo whose config.json has an unsupported type, caching no snapshot', async () => {
    const original = FILES['config.json']!;
    FILES['config.json'] = new TextEncoder().encode(
      '{"type":"ONNX3","model_file":"m.onnx","voices":"v.npz"}',
    );
    try {
      const err = await errorOf(downloadModel(REPO, options()));
      expect(err).toBeInstanceOf(ModelConfigError);
      expect(err!.message).toContain('Unsupported model type. Got "ONNX3"');
      expect(existsSync(path.join(repoRoot(), 'snapshots'))).toBe(false);
    } finally {
      FILES['config.json'] = original;
    }
  });
});

describe('withCacheLock', () => {
  it('lets one holder at a time run, across independent callers', async () => {
    const lock = path.join(cacheDir, '.locks', 'x.lock');
    const events: string[] = [];
    const hold = (name: string) =>
      withCacheLock(
        lock,
        async () => {
          events.push(`${name} in`);
          await new Promise((r) => setTimeout(r, 50));
          events.push(`${name} out`);
        },
        { pollMs: 10 },
      );
    await Promise.all([hold('a'), hold('b')]);
    // Either may win the create (two fs calls race on libuv's pool); the other waits its turn.
    const first = events[0]?.split(' ')[0] === 'b' ? 'b' : 'a';
    const second = first === 'a' ? 'b' : 'a';
    expect(events).toEqual([`${first} in`, `${first} out`, `${second} in`, `${second} out`]);
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over a lock left by a process that died', async () => {
    const lock = path.join(cacheDir, '.locks', 'y.lock');
    mkdirSync(path.dirname(lock), { recursive: true });
    writeFileSync(lock, `999999999\n${os.hostname()}\n`);
    await expect(withCacheLock(lock, async () => 'ran', { timeoutMs: 2000 })).resolves.toBe('ran');
  });

  it('times out waiting for a live holder', async () => {
    const lock = path.join(cacheDir, '.locks', 'z.lock');
    mkdirSync(path.dirname(lock), { recursive: true });
    writeFileSync(lock, `${process.pid}\n${os.hostname()}\n`);
    await expect(
      withCacheLock(lock, async () => 'ran', { timeoutMs: 200, pollMs: 20 }),
    ).rejects.toThrow('timed out waiting for the download lock');
  });
});

describe('directorySizeBytes', () => {
  it('counts blobs once, not again through their snapshot links', async () => {
    await downloadModel(REPO, options());
    const size = await directorySizeBytes(cacheDir);
    expect(size).toBe(CONFIG.length + ONNX.length + VOICES.length + COMMIT.length);
  });
});
