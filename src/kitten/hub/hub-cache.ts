// Lock kept over proper-lockfile: it spots a dead holder only by a stale mtime (≥ 2 s), ours by its PID at once.
// The on-disk Hugging Face hub cache layout (models--org--name/{blobs,snapshots/<commit>,refs}),
// shared with Python huggingface_hub, plus the cross-process lock that guards a repo's downloads.
import { randomBytes, type Hash } from 'node:crypto';
import { createReadStream, type Dirent } from 'node:fs';
import {
  copyFile,
  mkdir,
  open,
  readFile,
  readdir,
  rename,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseModelConfigText, type ModelConfig } from './model-config.js';

export interface RepoCachePaths {
  /** `<cacheDir>/models--org--name` */
  readonly root: string;
  readonly blobs: string;
  readonly snapshots: string;
  readonly refs: string;
  /** Our lock; named apart from huggingface_hub's per-blob `.lock` files, which Python never deletes. */
  readonly lockFile: string;
}

export const COMMIT_RE = /^[0-9a-f]{40}$/;
/** Commits and etags become folder and file names: nothing that could leave the cache. */
export const SAFE_NAME_RE = /^(?!\.\.?$)[\w.-]+$/;

export interface CachedSnapshot {
  /** The snapshot folder: config.json, model_file and voices live here. */
  readonly dir: string;
  readonly config: ModelConfig;
  /** The commit the snapshot belongs to. */
  readonly revision: string;
}

export function repoFolderName(repoId: string): string {
  return `models--${repoId.split('/').join('--')}`;
}

export function repoCachePaths(cacheDir: string, repoId: string): RepoCachePaths {
  const folder = repoFolderName(repoId);
  const root = path.join(cacheDir, folder);
  return {
    root,
    blobs: path.join(root, 'blobs'),
    snapshots: path.join(root, 'snapshots'),
    refs: path.join(root, 'refs'),
    lockFile: path.join(cacheDir, '.locks', folder, 'kittentts-download.lock'),
  };
}

/** Size of a regular file (following symlinks), or undefined when there is none. */
export async function fileSize(file: string): Promise<number | undefined> {
  try {
    const s = await stat(file);
    return s.isFile() ? s.size : undefined;
  } catch {
    return undefined;
  }
}

const tmpName = (file: string) => `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;

/** The commit a revision points at: a commit hash is itself, a branch/tag is read from refs/. */
export async function readRef(
  paths: RepoCachePaths,
  revision: string,
): Promise<string | undefined> {
  if (COMMIT_RE.test(revision)) return revision;
  try {
    const commit = (await readFile(path.join(paths.refs, revision), 'utf8')).trim();
    return commit === '' ? undefined : commit;
  } catch {
    return undefined;
  }
}

export async function writeRef(
  paths: RepoCachePaths,
  revision: string,
  commit: string,
): Promise<void> {
  if (revision === commit) return;
  const file = path.join(paths.refs, revision);
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = tmpName(file);
  await writeFile(tmp, commit);
  await rename(tmp, file);
}

/** The snapshot of repo@revision when config.json, model_file and voices are all present. */
export async function findCachedSnapshot(
  paths: RepoCachePaths,
  revision: string,
): Promise<CachedSnapshot | undefined> {
  const commit = await readRef(paths, revision);
  if (!commit || !SAFE_NAME_RE.test(commit)) return undefined;
  const dir = path.join(paths.snapshots, commit);
  let text: string;
  try {
    text = await readFile(path.join(dir, 'config.json'), 'utf8');
  } catch {
    return undefined;
  }
  const config = parseModelConfigText(text, path.join(dir, 'config.json'));
  for (const file of [config.modelFile, config.voices]) {
    if ((await fileSize(path.join(dir, file))) === undefined) return undefined;
  }
  return { dir, config, revision: commit };
}

/**
 * Points snapshots/<commit>/<file> at blobs/<name> with a relative symlink, as huggingface_hub
 * does; where symlinks are not allowed (Windows without developer mode) the blob is copied.
 * Built under a temporary name and renamed, so a reader never sees a half-made entry.
 */
export async function linkSnapshotFile(
  paths: RepoCachePaths,
  commit: string,
  file: string,
  blobName: string,
): Promise<string> {
  const dest = path.join(paths.snapshots, commit, ...file.split('/'));
  const blob = path.join(paths.blobs, blobName);
  await mkdir(path.dirname(dest), { recursive: true });
  const tmp = tmpName(dest);
  try {
    await symlink(path.relative(path.dirname(dest), blob), tmp);
  } catch {
    await copyFile(blob, tmp);
  }
  await rename(tmp, dest);
  return dest;
}

export async function hashFile(file: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
}

/**
 * Streams a response body into a `.incomplete` file (appending when resuming), feeding the hash.
 * Each read must deliver within idleMs, so a stalled transfer fails instead of hanging.
 * Returns the file's size afterwards; on failure the bytes written so far stay for a resume.
 */
export async function writeBody(
  body: ReadableStream<Uint8Array>,
  partial: string,
  options: {
    append: boolean;
    startBytes: number;
    hash: Hash | null;
    idleMs: number;
    onBytes: (n: number) => void;
  },
): Promise<number> {
  const handle = await open(partial, options.append ? 'a' : 'w');
  const reader = body.getReader();
  let received = options.startBytes;
  let timer: NodeJS.Timeout | undefined;
  const stalled = () =>
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no data for ${options.idleMs / 1000} s`)),
        options.idleMs,
      );
    });
  try {
    for (;;) {
      const r = await Promise.race([reader.read(), stalled()]);
      clearTimeout(timer);
      if (r.done) break;
      await handle.write(r.value);
      options.hash?.update(r.value);
      received += r.value.byteLength;
      options.onBytes(received);
    }
  } catch (err) {
    clearTimeout(timer);
    await reader.cancel().catch(() => undefined);
    throw err;
  } finally {
    await handle.close();
  }
  return received;
}

export interface CacheLockOptions {
  /** A lock whose heartbeat is older than this is taken over (its holder died without cleaning up). */
  staleMs?: number;
  pollMs?: number;
  /** Give up waiting for another holder after this long. */
  timeoutMs?: number;
}

export class CacheLockTimeoutError extends Error {}

function holderIsDead(content: string): boolean {
  const [pid, host] = content.split('\n');
  if (host !== os.hostname() || !pid || !/^\d+$/.test(pid)) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Runs fn while holding an exclusive lock file (O_EXCL create), so two processes sharing a cache
 * never write the same blob at once. The holder refreshes the file's mtime as a heartbeat.
 */
export async function withCacheLock<T>(
  lockFile: string,
  fn: () => Promise<T>,
  options: CacheLockOptions = {},
): Promise<T> {
  const { staleMs = 60_000, pollMs = 100, timeoutMs = 15 * 60_000 } = options;
  await mkdir(path.dirname(lockFile), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(`${process.pid}\n${os.hostname()}\n`);
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const [content, info] = await Promise.all([
      readFile(lockFile, 'utf8').catch(() => ''),
      stat(lockFile).catch(() => undefined),
    ]);
    if (info && (holderIsDead(content) || Date.now() - info.mtimeMs > staleMs)) {
      // Another waiter may take it over at the same moment; the sha256/size checks and the
      // atomic renames still keep a corrupt file out of the cache if that rare race happens.
      await rm(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new CacheLockTimeoutError(`timed out waiting for the download lock ${lockFile}`);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  const heartbeat = setInterval(
    () => {
      const now = new Date();
      utimes(lockFile, now, now).catch(() => undefined);
    },
    Math.max(50, staleMs / 4),
  );
  heartbeat.unref();
  try {
    return await fn();
  } finally {
    clearInterval(heartbeat);
    await rm(lockFile, { force: true });
  }
}

/** Bytes of regular files under dir (symlinks not followed, so a snapshot link is not counted twice). */
export async function directorySizeBytes(dir: string): Promise<number> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  const sizes = await Promise.all(
    entries.map(async (e) => {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) return directorySizeBytes(full);
      if (e.isFile()) return (await fileSize(full)) ?? 0;
      return 0;
    }),
  );
  return sizes.reduce((a, b) => a + b, 0);
}
