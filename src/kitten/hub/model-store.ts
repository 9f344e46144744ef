// Turns a model id into the local files a worker loads: a KITTENTTS_MODEL_DIRS folder first, then
// the hub cache (downloading once). Shared by the gateway and the library; also sizes the cache.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ModelLoadError } from '../../errors.js';
import type { ModelFiles } from '../model-files.js';
import { DEFAULT_ALIASES } from '../voices.js';
import { directorySizeBytes, fileSize } from './hub-cache.js';
import { downloadModel, type HubOptions } from './hub.js';
import { parseModelConfigText, type ModelConfig } from './model-config.js';
import { SEED_MODELS, resolveModelRef } from './model-registry.js';

export interface ModelStoreOptions {
  hub: HubOptions;
  /** Model id → folder laid out like the hub repo (KITTENTTS_MODEL_DIRS). */
  modelDirs: Readonly<Record<string, string>>;
  /** cacheSizeBytes() walks the cache at most this often. Default 10 s. */
  cacheSizeMaxAgeMs?: number;
}

export interface ResolvedModelFiles {
  files: ModelFiles;
  /** Seconds this call waited for the files (download included); 0 once resolved. */
  loadS: number;
}

export interface ModelStore {
  /** A seed id, a KITTENTTS_MODEL_DIRS id, a hub repo id or a local folder. */
  resolve(modelId: string): Promise<ResolvedModelFiles>;
  /** Seed ids and KITTENTTS_MODEL_DIRS ids. */
  knownIds(): string[];
  /** Bytes in the cache folder, from a walk at most cacheSizeMaxAgeMs old. */
  cacheSizeBytes(): Promise<number>;
}

/** The worker's view of a model folder. A config without aliases gets the standard eight names. */
export function toModelFiles(id: string, dir: string, config: ModelConfig): ModelFiles {
  const hasAliases = Object.keys(config.voiceAliases).length > 0;
  return {
    id,
    modelPath: path.resolve(dir, config.modelFile),
    voicesPath: path.resolve(dir, config.voices),
    type: config.type,
    speedPriors: config.speedPriors,
    voiceAliases: hasAliases ? config.voiceAliases : DEFAULT_ALIASES,
  };
}

/** Reads and checks a local model folder (config.json and the two files it names). */
export async function readModelDir(id: string, dir: string): Promise<ModelFiles> {
  const configPath = path.join(dir, 'config.json');
  let text: string;
  try {
    text = await readFile(configPath, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ModelLoadError(
      `model '${id}': cannot read ${configPath} (${why}); the folder must be laid out like the hub repo`,
      err,
    );
  }
  const files = toModelFiles(id, dir, parseModelConfigText(text, configPath));
  for (const file of [files.modelPath, files.voicesPath]) {
    if ((await fileSize(file)) === undefined) {
      throw new ModelLoadError(`model '${id}': ${configPath} names ${file}, which does not exist`);
    }
  }
  return files;
}

export function createModelStore(options: ModelStoreOptions): ModelStore {
  const maxAgeMs = options.cacheSizeMaxAgeMs ?? 10_000;
  const resolved = new Map<string, ModelFiles>();
  const pending = new Map<string, Promise<ModelFiles>>();
  let size: { bytes: number; atMs: number } | undefined;
  let sizing: Promise<number> | undefined;

  async function locate(modelId: string): Promise<ModelFiles> {
    const dir = Object.hasOwn(options.modelDirs, modelId) ? options.modelDirs[modelId] : undefined;
    if (dir !== undefined) return readModelDir(modelId, dir);
    const ref = resolveModelRef(modelId);
    if (ref.kind === 'dir') return readModelDir(modelId, ref.dir);
    const snapshot = await downloadModel(ref.repo, options.hub);
    size = undefined; // the cache may have grown
    return toModelFiles(modelId, snapshot.dir, snapshot.config);
  }

  return {
    async resolve(modelId) {
      const done = resolved.get(modelId);
      if (done) return { files: done, loadS: 0 };
      const startMs = performance.now();
      let job = pending.get(modelId);
      if (!job) {
        // Failures are not remembered: the next call tries again.
        job = locate(modelId)
          .then((files) => {
            resolved.set(modelId, files);
            return files;
          })
          .finally(() => pending.delete(modelId));
        pending.set(modelId, job);
      }
      const files = await job;
      return { files, loadS: (performance.now() - startMs) / 1000 };
    },
    knownIds: () => [
      ...new Set([...SEED_MODELS.map((m) => m.id), ...Object.keys(options.modelDirs)]),
    ],
    async cacheSizeBytes() {
      if (size && performance.now() - size.atMs < maxAgeMs) return size.bytes;
      sizing ??= directorySizeBytes(options.hub.cacheDir)
        .then((bytes) => {
          size = { bytes, atMs: performance.now() };
          return bytes;
        })
        .finally(() => (sizing = undefined));
      return sizing;
    },
  };
}
