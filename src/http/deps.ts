// What the routers are built from: the gateway's parts, as types only (no runtime import, so no
// router reaches back into the app that mounts it). Each router takes the fields it uses
// (`Pick<AppDeps, …>`); gateway.ts builds the whole object once.
import type { ClusterSessions } from '../cluster/cluster-sessions.js';
import type { SavedVoiceStore } from '../saved-voices/saved-voice-store.js';
import type { StatsSource } from '../cluster/cluster-stats.js';
import type { Config } from '../config.js';
import type { Engine } from '../engine/engine.js';
import type { GenerationStats } from '../ops/generation-stats.js';
import type { IdleGc } from '../ops/idle-gc.js';
import type { Metrics } from '../ops/metrics.js';
import type { Readiness, ReadinessQuery } from '../ops/readiness.js';
import type { SessionRegistry } from '../session/session-registry.js';
import type { TtsSession, TtsSessionOptions } from '../session/tts-session.js';
import type { Schemas } from './schemas.js';

export interface ModelListing {
  id: string;
  name: string;
  params: string;
  size: string;
  description: string;
  quality: string;
  precision: string;
}

/** What the HTTP layer knows about models: the catalogue and the engine's load state. */
export interface ModelCatalog {
  readonly defaultId: string;
  list(): ModelListing[];
  ids(): string[];
  loadedModels(): string[];
  modelLoadTimes(): Record<string, number>;
  /** Cached figure; never walks the disk on every call. */
  cacheSizeBytes(): Promise<number>;
}

/** Which door opened a session (the `door` label of its metrics). */
export type SessionDoor = 'rest' | 'ws' | 'sse' | 'openai' | 'wyoming' | 'elevenlabs' | 'cartesia';

export interface AppDeps {
  config: Config;
  engine: Engine;
  catalog: ModelCatalog;
  stats: GenerationStats;
  schemas: Schemas;
  sessions: SessionRegistry<TtsSession>;
  /** A new session with the server's limits applied (real-time doors pass admission first). */
  openSession: (options: TtsSessionOptions, door: SessionDoor) => TtsSession;
  metrics: Metrics;
  /** Saved voices (a file under the cache dir, or Redis when clustered). */
  savedVoices: SavedVoiceStore;
  /** GET /api/ready (readiness.ts). */
  readiness: (q?: ReadinessQuery) => Promise<Readiness>;
  /** Set when REST sessions live in Redis (KITTENTTS_REDIS_URL): the REST and SSE doors use it. */
  cluster?: ClusterSessions;
  /** Told of each one-shot answer written, so a quiet process frees what it held (ops/idle-gc.ts). */
  idleGc?: IdleGc;
  /** Cluster-wide /api/stats totals (with Redis); absent: this process's `stats`. */
  clusterStats?: StatsSource;
  log?: (
    level: 'error' | 'warn' | 'info' | 'debug',
    msg: string,
    fields?: Record<string, unknown>,
  ) => void;
}

export type Log = NonNullable<AppDeps['log']>;
