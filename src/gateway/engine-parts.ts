// The gateway's engine side: the model store, the worker pool, the metrics and the PoolEngine that
// schedules chunks over the pool, with every finished chunk and synthesis reported to the metrics
// and the generation stats.
import type { Config } from '../config.js';
import type { SchedulingPolicy } from '../engine/edf-policy.js';
import { PoolEngine } from '../engine/pool-engine.js';
import { WorkerPool } from '../engine/pool.js';
import type { Lexicon } from '../kitten/frontend/lexicon.js';
import { createModelStore } from '../kitten/hub/model-store.js';
import type { Logger } from '../logger.js';
import type { SynthesisRecord } from '../ops/generation-stats.js';
import { Metrics } from '../ops/metrics.js';

export interface EngineWiring {
  config: Config;
  log: Logger;
  /** Test-only: worker threads obey FAULT_MARKERS (engine/protocol.ts). */
  faultInjection?: boolean;
  /** Benchmarks only: another scheduling policy. */
  policy?: SchedulingPolicy;
  lexicon?: Lexicon;
  savedVoice: (name: string) => string | undefined;
  /** Where a client's synthesis is recorded (the cluster's stats when clustered). */
  recordSynthesis: (entry: SynthesisRecord) => void;
  /** The sessions alive now (known only once the sessions are wired). */
  liveSessions: () => number;
}

/** The model store, the worker pool, the metrics and the engine over them. */
export function wireEngine(w: EngineWiring) {
  const { config, log } = w;
  const store = createModelStore({
    hub: {
      endpoint: config.hfEndpoint,
      token: config.hfToken,
      offline: config.hfOffline,
      cacheDir: config.cacheDir,
    },
    modelDirs: config.modelDirs,
  });
  const pool = new WorkerPool({
    workers: config.workers,
    faultInjection: w.faultInjection,
    cpuMemArena: config.cpuMemArena,
  });
  const metrics = new Metrics({
    queueDepth: () => engine.stats().queued,
    busyWorkers: () => engine.stats().busyWorkers,
    workers: () => pool.size,
    liveSessions: w.liveSessions,
    modelLoadTimes: () => engine.modelLoadTimes(),
    sessionRenewals: () => engine.sessionRenewals(),
    cache: () => engine.cacheStats(),
  });
  const engine = new PoolEngine({
    pool,
    resolveModel: (id) => store.resolve(id),
    threadsPerWorker: config.threadsPerWorker,
    idleRenewMs: config.workerIdleReleaseMs,
    maxQueued: config.maxQueue,
    oneshotSlackMs: config.oneshotSlackMs,
    cacheBytes: config.synthCacheBytes,
    savedVoice: w.savedVoice,
    ...(w.lexicon ? { lexicon: w.lexicon } : {}),
    policy: w.policy,
    onChunk: (report) => {
      metrics.recordChunk(report);
      if (report.wordsError !== undefined)
        log.warn('word timings failed; the chunk went out without words', {
          error: report.wordsError,
        });
    },
    onSynthesis: (req, result) => {
      metrics.recordSynthesis(req.modelId, result.durationS, result.timings.generationS);
      if (req.internal) return; // warm-up: no client asked for it
      w.recordSynthesis({
        model: req.modelId,
        voice: req.voice,
        textLength: req.text.length,
        durationS: result.durationS,
        generationS: result.timings.generationS,
      });
    },
  });
  return { store, pool, metrics, engine };
}
