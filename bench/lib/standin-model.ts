// The stand-in `nano` model every benchmark runs on, generated once into the git-ignored .standin/
// folder (deterministic, offline), and the gateway environment that serves it as kitten-tts-nano.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureStandinModel } from '../../src/standin/standin.js';

export const NANO_DIR = path.resolve('.standin', 'nano');
export const MODEL_ID = 'kitten-tts-nano';
export const VOICE = 'Jasper';

export async function ensureNano(): Promise<string> {
  await ensureStandinModel(NANO_DIR, { variant: 'nano' });
  return NANO_DIR;
}

export interface GatewayEnvOptions {
  workers?: number;
  threadsPerWorker?: number;
  extra?: Record<string, string>;
}

/** The environment object for loadConfig(): port 0, offline, empty cache, the stand-in as nano. */
export function gatewayEnv(options: GatewayEnvOptions = {}): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    HF_HUB_OFFLINE: '1',
    KITTENTTS_CACHE_DIR: mkdtempSync(path.join(os.tmpdir(), 'kitten-bench-')),
    KITTENTTS_MODEL_DIRS: `${MODEL_ID}=${NANO_DIR}`,
    KITTENTTS_WORKERS: String(options.workers ?? 1),
    KITTENTTS_THREADS_PER_WORKER: String(options.threadsPerWorker ?? 1),
    KITTENTTS_LOG_LEVEL: 'silent',
    KITTENTTS_MAX_QUEUE: '1024',
    KITTENTTS_MAX_SESSIONS: '1024',
    KITTENTTS_METRICS_PUBLIC: '1',
    // Off, so figures compare with earlier runs; bench/synthesis-cache.ts turns it on.
    KITTENTTS_SYNTH_CACHE_MB: '0',
    ...options.extra,
  };
}
