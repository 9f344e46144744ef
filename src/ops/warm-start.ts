// Work the gateway starts in the background once it listens: preloading the configured models and
// warming the synthesis cache (KITTENTTS_PRELOAD, KITTENTTS_SYNTH_CACHE_WARMUP). Neither holds the
// start: a failure is logged, and draining aborts the warm-up.
import type { Config } from '../config.js';
import type { PoolEngine } from '../engine/pool-engine.js';
import type { Logger } from '../logger.js';
import { warmCache, type WarmupEntry } from './cache-warmup.js';

/** Starts the preloads and the cache warm-up; the controller returned aborts the warm-up. */
export function startWarming(
  config: Config,
  engine: PoolEngine,
  warmup: readonly WarmupEntry[],
  log: Logger,
): AbortController {
  preload(config, engine, log);
  const warming = new AbortController();
  if (warmup.length > 0) {
    void warmCache(
      engine,
      warmup,
      (entry, text, err) =>
        log.warn('synthesis cache warm-up failed', {
          model: entry.model,
          text,
          error: String(err),
        }),
      warming.signal,
    ).then((phrases) => log.info('synthesis cache warmed', { phrases }));
  }
  return warming;
}

function preload(config: Config, engine: PoolEngine, log: Logger): void {
  for (const id of config.preload) {
    engine.ensureModel(id).then(
      (s) => log.info('model preloaded', { model: id, seconds: s }),
      (err: unknown) => log.error('model preload failed', { model: id, error: String(err) }),
    );
  }
}
