// kitten/hub/ gets a model's files onto the disk: model-registry.ts (ids and refs), model-config.ts
// (config.json), hub-cache.ts (the shared Hugging Face cache), hub.ts and hub-client.ts (download),
// model-store.ts (ties them together into ModelFiles for the synthesizer).
//
// This file downloads a KittenTTS model repo from a Hugging Face hub into the shared hub cache:
// config.json, then model_file, then voices, each streamed to a `.incomplete` file, checked, and
// renamed into place.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ModelLoadError } from '../../errors.js';
import {
  findCachedSnapshot,
  linkSnapshotFile,
  repoCachePaths,
  withCacheLock,
  writeRef,
  type CachedSnapshot,
  type RepoCachePaths,
} from './hub-cache.js';
import { HubClient, HubError, cacheWriteProblem, type HubClientOptions } from './hub-client.js';
import { parseModelConfigText } from './model-config.js';

export { HubError };
export type { HubProgress } from './hub-client.js';

export interface HubOptions extends HubClientOptions {
  /** Never touch the network: use the cache or fail. */
  offline: boolean;
  cacheDir: string;
  /** Branch, tag or commit. Default 'main'. */
  revision?: string | undefined;
}

export type DownloadedModel = CachedSnapshot;

const inflight = new Map<string, Promise<DownloadedModel>>();

/**
 * Ensures a model repo is in the cache and returns its snapshot. The cache is read first and the
 * network used only when it misses; concurrent calls for one repo share a single download.
 */
export function downloadModel(repoId: string, options: HubOptions): Promise<DownloadedModel> {
  const revision = options.revision ?? 'main';
  const key = `${path.resolve(options.cacheDir)}\0${repoId}\0${revision}`;
  let pending = inflight.get(key);
  if (!pending) {
    pending = ensureModel(repoId, revision, options).finally(() => inflight.delete(key));
    inflight.set(key, pending);
  }
  return pending;
}

/** The cached snapshot of a repo, without touching the network. */
export function findCachedModel(
  repoId: string,
  options: { cacheDir: string; revision?: string | undefined },
): Promise<DownloadedModel | undefined> {
  return findCachedSnapshot(repoCachePaths(options.cacheDir, repoId), options.revision ?? 'main');
}

async function ensureModel(repoId: string, revision: string, options: HubOptions) {
  const paths = repoCachePaths(options.cacheDir, repoId);
  const cached = await findCachedSnapshot(paths, revision);
  if (cached) return cached;
  if (options.offline) {
    throw new HubError(
      `Model ${repoId} (revision ${revision}) is not in the cache at ${paths.root} and ` +
        `HF_HUB_OFFLINE is set; run \`kittentts pull ${repoId}\` with network access, or set ` +
        `KITTENTTS_MODEL_DIRS=<id>=<folder> to serve it from a local folder laid out like the hub repo.`,
    );
  }
  try {
    return await withCacheLock(paths.lockFile, async () => {
      // Another process may have finished it while we waited for the lock.
      const done = await findCachedSnapshot(paths, revision);
      return done ?? (await fetchSnapshot(repoId, revision, paths, new HubClient(options)));
    });
  } catch (err) {
    if (err instanceof ModelLoadError) throw err;
    // Nothing half-written is left under a final name (blobs are renamed into place once
    // verified, the snapshot links last), so what was cached before keeps being served.
    const problem = cacheWriteProblem(err);
    if (problem)
      throw new HubError(
        `cannot write the model cache at ${options.cacheDir} to download ${repoId}: ${problem}; ` +
          'fix that or set KITTENTTS_CACHE_DIR to a writable folder with room',
        err,
      );
    throw new HubError(`downloading ${repoId} failed: ${(err as Error).message}`, err);
  }
}

async function fetchSnapshot(
  repoId: string,
  revision: string,
  paths: RepoCachePaths,
  client: HubClient,
): Promise<DownloadedModel> {
  const first = await client.metadata(repoId, revision, 'config.json');
  const commit = first.commit;
  const blobs = new Map([['config.json', await client.ensureBlob(paths, first)]]);
  const configText = await readFile(path.join(paths.blobs, first.etag), 'utf8');
  const config = parseModelConfigText(configText, `${repoId}/config.json`);
  // Pin the other files to the commit config.json came from, so the snapshot is consistent.
  for (const file of [config.modelFile, config.voices]) {
    if (blobs.has(file)) continue;
    blobs.set(file, await client.ensureBlob(paths, await client.metadata(repoId, commit, file)));
  }
  // Links and the ref come last: until every file is verified the snapshot does not exist.
  for (const [file, blob] of blobs) await linkSnapshotFile(paths, commit, file, blob);
  await writeRef(paths, revision, commit);
  return { dir: path.join(paths.snapshots, commit), config, revision: commit };
}
