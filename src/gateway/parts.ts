// The gateway's parts, from the worker pool up to what the routers are built from (AppDeps): the
// engine side (engine-parts.ts), Redis and what lives in it when clustered, the saved voices, the
// session registry and opener, readiness. gateway.ts builds the app and the server from these.
import type { Config } from '../config.js';
import type { SchedulingPolicy } from '../engine/edf-policy.js';
import type { PoolEngine } from '../engine/pool-engine.js';
import type { AppDeps, ModelCatalog } from '../http/deps.js';
import { createSchemas } from '../http/schemas.js';
import type { Lexicon } from '../kitten/frontend/lexicon.js';
import { DEFAULT_MODEL_ID, SEED_MODELS } from '../kitten/hub/model-registry.js';
import type { Logger } from '../logger.js';
import { GenerationStats } from '../ops/generation-stats.js';
import { createIdleGc } from '../ops/idle-gc.js';
import { createReadiness } from '../ops/readiness.js';
import { ClusterSessions } from '../cluster/cluster-sessions.js';
import { clusterStats } from '../cluster/cluster-stats.js';
import type { RedisLink } from '../cluster/redis.js';
import { connectRedisLogged } from '../cluster/redis-logged.js';
import { RedisVoiceStore } from '../cluster/redis-voice-store.js';
import { FileVoiceStore, type SavedVoiceStore } from '../saved-voices/saved-voice-store.js';
import { SessionRegistry } from '../session/session-registry.js';
import type { TtsSession } from '../session/tts-session.js';
import { wireEngine } from './engine-parts.js';
import { sessionOpener, type SessionOpener } from './session-opener.js';

export interface PartsOptions {
  faultInjection?: boolean;
  policy?: SchedulingPolicy;
  lexicon?: Lexicon;
}

export type GatewayParts = ReturnType<typeof wireParts>;

/** The gateway's parts, from the worker pool up to what the routers are built from. */
export function wireParts(config: Config, options: PartsOptions, log: Logger) {
  const stats = new GenerationStats();
  const redis = config.redisUrl ? connectRedisLogged(config.redisUrl, log) : undefined;
  const statsSource = redis ? clusterStats(redis, stats) : undefined;
  const savedVoices = savedVoiceStore(config, redis, log);
  const savedVoice = (name: string) => savedVoices.get(name);
  let liveSessions = () => 0;
  const { store, pool, metrics, engine } = wireEngine({
    config,
    log,
    ...options,
    savedVoice,
    recordSynthesis: (entry) => (statsSource ?? stats).record(entry),
    liveSessions: () => liveSessions(),
  });
  const ids = () => [...new Set([...SEED_MODELS.map((m) => m.id), ...store.knownIds()])];
  const catalog = modelCatalog(ids, engine, () => store.cacheSizeBytes());
  const schemas = createSchemas({
    modelIds: ids(),
    defaultModelId: DEFAULT_MODEL_ID,
    maxTextChars: config.maxTextChars,
    savedVoice,
  });
  const sessions = new SessionRegistry<TtsSession>({
    ttlMs: config.sessionTtlMs,
    maxSessions: config.maxSessions,
  });
  const openSession = sessionOpener(config, engine, metrics);
  const cluster = redis ? clusterSessions(config, redis, sessions, openSession, log) : undefined;
  // With Redis: this replica's WebSocket sessions plus the cluster work it holds (subscriptions
  // and subscribed chunk calls still publishing).
  liveSessions = () => sessions.size + (cluster?.held ?? 0);
  const readiness = createReadiness({
    engine,
    defaultModelId: DEFAULT_MODEL_ID,
    replicaId: config.replicaId,
    redis,
  });
  const deps: AppDeps = {
    config,
    engine,
    catalog,
    stats,
    schemas,
    sessions,
    openSession,
    metrics,
    readiness,
    savedVoices,
    idleGc: createIdleGc({
      minBytes: config.idleGcBytes,
      busy: () => {
        const { busyWorkers, queued } = engine.stats();
        return busyWorkers > 0 || queued > 0;
      },
    }),
    ...(cluster ? { cluster, clusterStats: statsSource } : {}),
    log: (level, msg, fields) => log[level](msg, fields),
  };
  return { pool, engine, sessions, stats, deps, redis };
}

/** Stops what wireParts started (workers, sessions, Redis) after a failed start. */
export async function closeParts({ pool, sessions, deps, redis }: GatewayParts): Promise<void> {
  sessions.close();
  deps.idleGc?.close();
  // ioredis reconnects forever (and so holds the process) unless it is closed.
  deps.cluster?.close();
  await deps.savedVoices.close();
  await redis?.close();
  await pool.destroy();
}

/** Saved voices: in Redis when clustered (every replica sees them), else a file in the cache dir. */
function savedVoiceStore(
  config: Config,
  redis: RedisLink | undefined,
  log: Logger,
): SavedVoiceStore {
  return redis
    ? new RedisVoiceStore(redis, (err) =>
        log.warn('saved voices: redis error', { error: err.message }),
      )
    : new FileVoiceStore(config.cacheDir);
}

/** REST sessions shared through Redis by every replica. */
function clusterSessions(
  config: Config,
  redis: RedisLink,
  sessions: SessionRegistry<TtsSession>,
  openSession: SessionOpener,
  log: Logger,
): ClusterSessions {
  return new ClusterSessions({
    link: redis,
    replicaId: config.replicaId,
    // Only WebSocket sessions live in this replica's registry when REST ones are in Redis.
    webSockets: () => sessions.size,
    ttlMs: config.sessionTtlMs,
    maxSessions: config.maxSessions,
    lockTtlMs: config.redisLockTtlMs,
    // Real-time admission counts this replica's live sessions; a cluster session is live on a
    // replica only during its calls, so the cluster-wide cap is what limits them.
    openSession: (o) => openSession(o, 'rest', { admit: false }),
    log: (msg, fields) => log.warn(msg, fields),
  });
}

function modelCatalog(
  ids: () => string[],
  engine: PoolEngine,
  cacheSizeBytes: () => Promise<number>,
): ModelCatalog {
  return {
    defaultId: DEFAULT_MODEL_ID,
    ids,
    list: () =>
      SEED_MODELS.map(({ id, name, params, size, description, quality, precision }) => ({
        id,
        name,
        params,
        size,
        description,
        quality,
        precision,
      })),
    loadedModels: () => engine.loadedModels(),
    modelLoadTimes: () => engine.modelLoadTimes(),
    cacheSizeBytes,
  };
}
