// Kept over @huggingface/hub's downloadFileToCacheDir: no resume, no hash check, no offline mode, paths-info call first.
// The HTTP side of the Hugging Face hub: a file's metadata via HEAD (the hub's headers), its blob via
// GET with resume, streamed into the cache and checked. Every failure is a HubError that says what
// to do about it. hub.ts decides what to fetch; this file only talks to the hub.
import { createHash } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { ModelLoadError } from '../../errors.js';
import { SAFE_NAME_RE, fileSize, hashFile, writeBody, type RepoCachePaths } from './hub-cache.js';

export interface HubProgress {
  readonly file: string;
  readonly receivedBytes: number;
  readonly totalBytes: number | null;
}

/** What the client needs of HubOptions (hub.ts). */
export interface HubClientOptions {
  /** Hub base URL without a trailing slash, e.g. https://huggingface.co. */
  endpoint: string;
  token?: string | undefined;
  fetch?: typeof fetch | undefined;
  /** Called as bytes arrive: once at the start and end of each file, and at most every ~100 ms between. */
  onProgress?: ((p: HubProgress) => void) | undefined;
  /** Fail a request that receives nothing for this long. Default 60 s. */
  idleTimeoutMs?: number | undefined;
}

/** File-system failures that mean the cache cannot be written, and what a user does about each. */
const CACHE_WRITE_PROBLEMS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'it is read-only',
  EACCES: 'it is not writable by this user',
  EPERM: 'it is not writable by this user',
  ENOTDIR: 'a file stands where a folder must be',
  EEXIST: 'a file stands where a folder must be',
};

/** Why a cache write failed, in words (undefined: not a cache-write failure). */
export function cacheWriteProblem(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const why = code === undefined ? undefined : CACHE_WRITE_PROBLEMS[code];
  return why === undefined ? undefined : `${why} (${code})`;
}

export class HubError extends ModelLoadError {}

interface FileMetadata {
  readonly name: string;
  readonly file: string;
  readonly commit: string;
  /** Blob name: sha256 for LFS files, the git blob id otherwise. */
  readonly etag: string;
  readonly sha256: string | null;
  readonly size: number | null;
  readonly url: URL;
}

const etagOf = (v: string | null) => v?.replace(/^W\//, '').replace(/"/g, '').trim() || null;
const intOf = (v: string | null) => (v !== null && /^\d+$/.test(v.trim()) ? Number(v) : null);
const isRedirect = (res: Response) =>
  res.status >= 300 && res.status < 400 && res.headers.has('location');

/** HTTP side: metadata via HEAD (hub headers), blob via GET with resume, every failure a HubError. */
export class HubClient {
  private readonly fetch: typeof fetch;
  private readonly idleMs: number;
  private readonly origin: string;

  constructor(private readonly options: HubClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.idleMs = options.idleTimeoutMs ?? 60_000;
    this.origin = new URL(options.endpoint).origin;
  }

  async metadata(repoId: string, revision: string, file: string): Promise<FileMetadata> {
    const name = `${repoId}/${file}`;
    const encoded = file.split('/').map(encodeURIComponent).join('/');
    let url = new URL(
      `${this.options.endpoint}/${repoId}/resolve/${encodeURIComponent(revision)}/${encoded}`,
    );
    let commit: string | null = null;
    let linkedEtag: string | null = null;
    let linkedSize: number | null = null;
    for (let hop = 0; hop < 10; hop++) {
      const res = await this.send(url, 'HEAD', {}, name);
      commit ??= res.headers.get('x-repo-commit');
      linkedEtag ??= etagOf(res.headers.get('x-linked-etag'));
      linkedSize ??= intOf(res.headers.get('x-linked-size'));
      const location = res.headers.get('location') ?? '';
      // As huggingface_hub: follow relative redirects (renamed repos); an absolute one leads to the CDN.
      if (isRedirect(res) && !/^[a-z][a-z\d+.-]*:/i.test(location)) {
        url = new URL(location, url);
        continue;
      }
      if (!isRedirect(res)) this.check(res, name, url);
      const etag = this.usable('ETag', linkedEtag ?? etagOf(res.headers.get('etag')), name);
      const size =
        linkedSize ?? (isRedirect(res) ? null : intOf(res.headers.get('content-length')));
      const sha256 = /^[0-9a-f]{64}$/.test(etag) ? etag : null;
      const target = isRedirect(res) ? new URL(location) : url;
      commit = this.usable('X-Repo-Commit', commit, name);
      return { name, file, commit, etag, sha256, size, url: target };
    }
    throw new HubError(`too many redirects for ${name}`);
  }

  /** Makes sure blobs/<etag> holds the verified file; returns the blob name. */
  async ensureBlob(paths: RepoCachePaths, meta: FileMetadata): Promise<string> {
    const blob = path.join(paths.blobs, meta.etag);
    const have = await fileSize(blob);
    if (have !== undefined && (meta.size === null || have === meta.size)) return meta.etag;
    await mkdir(paths.blobs, { recursive: true });
    await this.download(meta, `${blob}.incomplete`);
    await rename(`${blob}.incomplete`, blob);
    return meta.etag;
  }

  private async download(meta: FileMetadata, partial: string): Promise<void> {
    let offset = (await fileSize(partial)) ?? 0;
    if (meta.size !== null && offset > meta.size) offset = 0;
    let total = meta.size;
    const hash = meta.sha256 ? createHash('sha256') : null;
    if (total === null || offset < total) {
      let res = await this.get(meta, offset > 0 ? { range: `bytes=${offset}-` } : {});
      const start = /^bytes (\d+)-/.exec(res.headers.get('content-range') ?? '')?.[1];
      if (offset > 0 && !(res.status === 206 && Number(start) === offset)) {
        // No usable resume: a 200 carries the whole file, anything else is asked again plainly.
        offset = 0;
        if (res.status !== 200) {
          await res.body?.cancel();
          res = await this.get(meta, {});
        }
      }
      this.check(res, meta.name, meta.url);
      const whole = /\/(\d+)$/.exec(res.headers.get('content-range') ?? '')?.[1];
      total ??= offset > 0 ? intOf(whole ?? null) : intOf(res.headers.get('content-length'));
      if (hash && offset > 0) await hashFile(partial, hash);
      await this.receive(res, partial, offset, meta, total, hash);
    } else if (hash) {
      await hashFile(partial, hash);
    }
    const received = (await fileSize(partial)) ?? 0;
    if (total !== null && received !== total) {
      if (received > total) await rm(partial, { force: true });
      throw new HubError(
        `download of ${meta.name} stopped at ${received} of ${total} bytes; run again to resume`,
      );
    }
    const digest = hash?.digest('hex');
    if (meta.sha256 && digest !== meta.sha256) {
      await rm(partial, { force: true });
      throw new HubError(
        `download of ${meta.name} is corrupt: its sha256 ${digest} does not match the hub's ` +
          `${meta.sha256}; the file was discarded, run again to retry`,
      );
    }
  }

  private async receive(
    res: Response,
    partial: string,
    offset: number,
    meta: FileMetadata,
    total: number | null,
    hash: ReturnType<typeof createHash> | null,
  ): Promise<void> {
    let lastMs = -Infinity;
    const progress = (receivedBytes: number, force = false) => {
      if (!force && performance.now() - lastMs < 100) return;
      lastMs = performance.now();
      this.options.onProgress?.({ file: meta.file, receivedBytes, totalBytes: total });
    };
    progress(offset, true);
    if (!res.body) return;
    try {
      const append = offset > 0;
      const opts = { append, startBytes: offset, hash, idleMs: this.idleMs, onBytes: progress };
      progress(await writeBody(res.body, partial, opts), true);
    } catch (err) {
      // The disk, not the transfer, failed: hub.ts names the cache and what to do about it.
      if (cacheWriteProblem(err)) throw err;
      const got = (await fileSize(partial)) ?? 0;
      throw new HubError(
        `download of ${meta.name} was interrupted after ${got}${total === null ? '' : ` of ${total}`} ` +
          `bytes (${describe(err)}); run again to resume`,
        err,
      );
    }
  }

  /** GET following every redirect; the token goes to the hub only, never to the CDN. */
  private async get(meta: FileMetadata, extra: Record<string, string>): Promise<Response> {
    let url = meta.url;
    for (let hop = 0; hop < 10; hop++) {
      const res = await this.send(url, 'GET', extra, meta.name);
      if (!isRedirect(res)) return res;
      await res.body?.cancel();
      url = new URL(res.headers.get('location')!, url);
    }
    throw new HubError(`too many redirects for ${meta.name}`);
  }

  private async send(url: URL, method: string, extra: Record<string, string>, name: string) {
    const headers: Record<string, string> = { 'accept-encoding': 'identity', ...extra };
    if (this.options.token && url.origin === this.origin)
      headers.authorization = `Bearer ${this.options.token}`;
    // This timer bounds the wait for headers only; writeBody bounds each read of the body.
    const controller = new AbortController();
    const signal = controller.signal;
    const timer = setTimeout(() => controller.abort(), this.idleMs);
    try {
      return await this.fetch(url, { method, headers, redirect: 'manual', signal });
    } catch (err) {
      const why = signal.aborted ? `no answer for ${this.idleMs / 1000} s` : describe(err);
      throw new HubError(
        `cannot reach the hub at ${url.origin} for ${name} (${why}); check the network and ` +
          `HF_ENDPOINT, or set HF_HUB_OFFLINE=1 to use only the cache`,
        err,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /** Commits and etags become folder and file names in the cache. */
  private usable(header: string, value: string | null, name: string): string {
    if (value && SAFE_NAME_RE.test(value)) return value;
    throw new HubError(
      `the hub sent no usable ${header} for ${name}; is ${this.origin} a Hugging Face hub?`,
    );
  }

  private check(res: Response, name: string, url: URL): void {
    if (res.ok) return;
    res.body?.cancel().catch(() => undefined);
    const code = res.headers.get('x-error-code');
    const why = code ? ` (${code})` : '';
    if (res.status === 404)
      throw new HubError(`model repo or file not found: ${name} at ${url.origin}${why}`);
    if (res.status === 401 || res.status === 403) {
      const hint = this.options.token
        ? 'the HF_TOKEN given was refused; check that it is valid and has access to this repo'
        : 'the repo may be private or gated; set HF_TOKEN to a token with access';
      throw new HubError(`access to ${name} denied (HTTP ${res.status}${why}): ${hint}`);
    }
    throw new HubError(`the hub answered HTTP ${res.status} for ${name} at ${url.origin}${why}`);
  }
}

function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } } | null)?.cause;
  return cause?.code ?? cause?.message ?? (err as Error | null)?.message ?? String(err);
}
