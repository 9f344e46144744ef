// The only reader of the environment: every setting is parsed and validated here, once, into a
// frozen Config that the rest of the gateway receives explicitly (tests build their own).
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { AllocatorEnv } from './ops/allocator-hint.js';
import { readCpuMax, usableCores } from './ops/cpu-limit.js';

const int = (def: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(def);
const num = (def: number, min: number, max: number) =>
  z.coerce.number().min(min).max(max).default(def);
const flag = z
  .string()
  .optional()
  .transform((v) => v !== undefined && ['1', 'true', 'yes', 'on'].includes(v.trim().toLowerCase()));
const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

const envSchema = z.object({
  PORT: int(7860, 0, 65535),
  HOST: z.string().min(1).default('127.0.0.1'),
  KITTENTTS_CACHE_DIR: z.string().min(1).optional(),
  HF_ENDPOINT: z.string().url().default('https://huggingface.co'),
  HF_TOKEN: z.string().optional(),
  HF_HUB_OFFLINE: flag,
  KITTENTTS_MODEL_DIRS: list,
  KITTENTTS_PRELOAD: list,
  // No default here: unset, the pool is sized from the usable cores and the threads per worker.
  KITTENTTS_WORKERS: z.coerce.number().int().min(1).max(256).optional(),
  KITTENTTS_THREADS_PER_WORKER: int(1, 1, 64),
  KITTENTTS_CPU_ARENA: z.enum(['on', 'off']).default('on'),
  KITTENTTS_WORKER_IDLE_RELEASE_MS: int(30_000, 0, 86_400_000),
  // glibc's own settings, read by glibc at process start; the gateway only reports them.
  GLIBC_TUNABLES: z.string().optional(),
  MALLOC_MMAP_THRESHOLD_: z.string().optional(),
  KITTENTTS_MAX_TEXT_CHARS: int(20_000, 1),
  KITTENTTS_MAX_BODY_BYTES: int(1_048_576, 1024),
  KITTENTTS_MAX_SESSIONS: int(256, 1),
  KITTENTTS_SESSION_TTL_S: num(300, 1, 86_400),
  KITTENTTS_SSE_HEARTBEAT_S: num(15, 0.05, 3600),
  KITTENTTS_MAX_BUFFERED_CHARS: int(20_000, 1),
  KITTENTTS_MAX_QUEUE: int(64, 1),
  KITTENTTS_MAX_REALTIME_SESSIONS: int(0, 0),
  KITTENTTS_ONESHOT_SLACK_MS: int(2000, 0, 600_000),
  KITTENTTS_MAX_ACTIVE_TURNS: int(0, 0),
  KITTENTTS_CHUNK_POLICY: z.enum(['load', 'buffer']).default('load'),
  KITTENTTS_CHUNK_HOLD_MS: int(400, 0, 60_000),
  KITTENTTS_SHORT_OPENING: z.enum(['alone', 'merge']).default('alone'),
  KITTENTTS_SHORT_OPENING_WAIT_MS: int(300, 0, 10_000),
  KITTENTTS_SYNTH_CACHE_MB: num(64, 0, 1_000_000),
  KITTENTTS_SYNTH_CACHE_WARMUP: z.string().optional(),
  KITTENTTS_IDLE_GC_MB: num(16, 0, 1_000_000),
  KITTENTTS_LEXICON: z.string().optional(),
  KITTENTTS_WS_MAX_MESSAGE_BYTES: int(65_536, 256),
  KITTENTTS_WS_MAX_MESSAGES_PER_S: int(200, 1),
  KITTENTTS_MODEL_ALIASES: list,
  KITTENTTS_DIALECT_MAX_CONTEXTS: int(5, 1, 1000),
  KITTENTTS_API_KEYS: list,
  KITTENTTS_CORS_ORIGINS: list,
  KITTENTTS_METRICS_PUBLIC: flag,
  KITTENTTS_TRACE: flag,
  KITTENTTS_LOG_LEVEL: z.enum(['silent', 'error', 'warn', 'info', 'debug']).default('warn'),
  KITTENTTS_SHUTDOWN_TIMEOUT_S: num(10, 0, 600),
  KITTENTTS_HEADERS_TIMEOUT_S: num(10, 0.1, 600),
  KITTENTTS_REQUEST_TIMEOUT_S: num(30, 0.1, 3600),
  KITTENTTS_KEEP_ALIVE_TIMEOUT_S: num(5, 0.1, 600),
  KITTENTTS_WYOMING_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  KITTENTTS_WYOMING_HOST: z.string().min(1).optional(),
  KITTENTTS_WYOMING_ZEROCONF: flag,
  // An mDNS instance label (`<name>._wyoming._tcp.local`): a dot would split it.
  KITTENTTS_WYOMING_ZEROCONF_NAME: z
    .string()
    .min(1)
    .max(63)
    .regex(/^[^.]+$/, 'no dots allowed in the announced name')
    .optional(),
  KITTENTTS_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'expected redis://… or rediss://…')
    .optional(),
  KITTENTTS_REPLICA_ID: z
    .string()
    .regex(/^[\x21-\x7e]{1,200}$/, 'expected 1–200 visible ASCII characters (a header value)')
    .optional(),
  KITTENTTS_REDIS_LOCK_TTL_S: num(10, 0.1, 600),
});

/** Every environment variable this module reads (docs/settings.md documents each one once). */
export const SETTING_NAMES: readonly string[] = Object.freeze(Object.keys(envSchema.shape));

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly cacheDir: string;
  readonly hfEndpoint: string;
  readonly hfToken: string | undefined;
  readonly hfOffline: boolean;
  /** model id → local folder laid out like the HF repo */
  readonly modelDirs: Readonly<Record<string, string>>;
  readonly preload: readonly string[];
  readonly workers: number;
  readonly threadsPerWorker: number;
  /**
   * onnxruntime's CPU memory arena in each worker. On, a worker keeps what its longest chunk
   * needed for ever; off (with glibc set to give freed memory back) it keeps about its model, at
   * a cost in synthesis speed (bench/worker-memory.ts; docs/memory.md).
   */
  readonly cpuMemArena: boolean;
  /**
   * A worker idle this long after synthesizing renews its session (loads it again, releases the
   * old one), giving back the working set its longest chunk grew; 0: never (docs/memory.md).
   */
  readonly workerIdleReleaseMs: number;
  /** glibc's allocator settings this process started with (src/ops/allocator-hint.ts). */
  readonly allocator: AllocatorEnv;
  readonly maxTextChars: number;
  readonly maxBodyBytes: number;
  readonly maxSessions: number;
  readonly sessionTtlMs: number;
  /** An SSE stream with nothing to send gets a comment this often (proxies close silent streams). */
  readonly sseHeartbeatMs: number;
  readonly maxBufferedChars: number;
  readonly maxQueue: number;
  /** Live streaming sessions (WebSocket, REST) admitted at once; 0 = derived from measured speed. */
  readonly maxRealtimeSessions: number;
  /** A one-shot's first chunk is due this long after arrival; later chunks at its audio's pace. */
  readonly oneshotSlackMs: number;
  /** Real-time turns synthesizing at once (more wait in line); 0 = derived from measured speed. */
  readonly maxActiveTurns: number;
  /** auto chunking: load-aware, or the listener's buffer alone (session/chunk-policy.ts). */
  readonly chunkPolicy: 'load' | 'buffer';
  /** Load-aware, more live streams than workers: a chunk holding a worker this long ends at its next cut. */
  readonly chunkHoldMs: number;
  /** A turn's short first sentence: sent alone, or merged with the next clause (bounded wait). */
  readonly shortOpening: 'alone' | 'merge';
  readonly shortOpeningWaitMs: number;
  /** Bytes of chunk audio the synthesis cache may hold (0: off). */
  readonly synthCacheBytes: number;
  /** A JSON-lines file of phrases synthesized into the cache at start-up (docs/architecture.md "Synthesis cache"). */
  readonly synthCacheWarmup: string | undefined;
  /** One-shot answers' audio after which a quiet process collects garbage once (0: never; ops/idle-gc.ts). */
  readonly idleGcBytes: number;
  /** A JSON file of word → phonemes spoken wherever the word appears (docs/voices-and-pronunciation.md). */
  readonly lexicon: string | undefined;
  readonly wsMaxMessageBytes: number;
  readonly wsMaxMessagesPerS: number;
  readonly apiKeys: readonly string[];
  /** Foreign model ids (ElevenLabs, Cartesia) → our model ids; unknown ids get the default model. */
  readonly modelAliases: Readonly<Record<string, string>>;
  /** Contexts one ElevenLabs or Cartesia WebSocket may hold open at once. */
  readonly dialectMaxContexts: number;
  readonly corsOrigins: readonly string[];
  readonly metricsPublic: boolean;
  /** Keep a chunk-lifecycle trace for every WebSocket session (docs/realtime.md). */
  readonly trace: boolean;
  readonly logLevel: 'silent' | 'error' | 'warn' | 'info' | 'debug';
  readonly shutdownTimeoutMs: number;
  /** Request headers (a WebSocket handshake is such a request) must arrive within this. */
  readonly headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (the response may take longer). */
  readonly requestTimeoutMs: number;
  /** An idle kept-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number;
  /** The Wyoming (Home Assistant) TCP door: its port, or undefined when it is off. */
  readonly wyomingPort: number | undefined;
  /**
   * Its bind address: KITTENTTS_WYOMING_HOST, else loopback when API keys are on (the Wyoming
   * protocol carries no credential), else HOST.
   */
  readonly wyomingHost: string;
  /** KITTENTTS_WYOMING_HOST was given: with API keys on, the door is open to whoever reaches it. */
  readonly wyomingHostGiven: boolean;
  /** Announce the Wyoming door over mDNS (`_wyoming._tcp`) under this name. */
  readonly wyomingZeroconf: boolean;
  readonly wyomingZeroconfName: string;
  /** Redis holding REST sessions and cluster totals (docs/scaling-out.md); unset: in-process. */
  readonly redisUrl: string | undefined;
  /** This process's name in a cluster (responses' x-kittentts-replica, /api/stats system.replica_id). */
  readonly replicaId: string;
  /** A session lock whose holder stopped refreshing it (a killed replica) frees after this. */
  readonly redisLockTtlMs: number;
}

export class ConfigError extends Error {}

function parseModelDirs(entries: string[]): Record<string, string> {
  const dirs: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0 || eq === entry.length - 1) {
      throw new ConfigError(`KITTENTTS_MODEL_DIRS: expected id=DIR, got "${entry}"`);
    }
    dirs[entry.slice(0, eq).trim()] = path.resolve(entry.slice(eq + 1).trim());
  }
  return dirs;
}

/** `foreign=ours` pairs (KITTENTTS_MODEL_ALIASES=eleven_flash_v2_5=kitten-tts-nano,sonic-3=…). */
function parsePairs(name: string, entries: string[]): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0 || eq === entry.length - 1) {
      throw new ConfigError(`${name}: expected FOREIGN=MODEL, got "${entry.slice(0, 100)}"`);
    }
    pairs[entry.slice(0, eq).trim()] = entry.slice(eq + 1).trim();
  }
  return pairs;
}

/** Reads settings from an environment (defaults to process.env); throws ConfigError on bad values. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  /** The cgroup's `cpu.max` text (read from /sys/fs/cgroup by default; tests pass their own). */
  cpuMax: string | undefined = readCpuMax(),
): Config {
  const blankless = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(blankless);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid settings: ${issues}`);
  }
  const e = parsed.data;
  if (e.KITTENTTS_HEADERS_TIMEOUT_S > e.KITTENTTS_REQUEST_TIMEOUT_S) {
    throw new ConfigError(
      'Invalid settings: KITTENTTS_HEADERS_TIMEOUT_S must not exceed KITTENTTS_REQUEST_TIMEOUT_S',
    );
  }
  const cores = usableCores(cpuMax);
  const threads = e.KITTENTTS_THREADS_PER_WORKER;
  const { GLIBC_TUNABLES, MALLOC_MMAP_THRESHOLD_ } = e;
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    cacheDir: path.resolve(e.KITTENTTS_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'kittentts')),
    hfEndpoint: e.HF_ENDPOINT.replace(/\/+$/, ''),
    hfToken: e.HF_TOKEN,
    hfOffline: e.HF_HUB_OFFLINE,
    modelDirs: Object.freeze(parseModelDirs(e.KITTENTTS_MODEL_DIRS)),
    preload: Object.freeze(e.KITTENTTS_PRELOAD),
    // Never oversubscribe: workers × intra-op threads ≤ cores unless the operator says otherwise.
    workers: e.KITTENTTS_WORKERS ?? Math.max(1, Math.floor(cores / threads)),
    threadsPerWorker: threads,
    cpuMemArena: e.KITTENTTS_CPU_ARENA === 'on',
    workerIdleReleaseMs: e.KITTENTTS_WORKER_IDLE_RELEASE_MS,
    allocator: { GLIBC_TUNABLES, MALLOC_MMAP_THRESHOLD_ },
    maxTextChars: e.KITTENTTS_MAX_TEXT_CHARS,
    maxBodyBytes: e.KITTENTTS_MAX_BODY_BYTES,
    maxSessions: e.KITTENTTS_MAX_SESSIONS,
    sessionTtlMs: Math.round(e.KITTENTTS_SESSION_TTL_S * 1000),
    sseHeartbeatMs: Math.round(e.KITTENTTS_SSE_HEARTBEAT_S * 1000),
    maxBufferedChars: e.KITTENTTS_MAX_BUFFERED_CHARS,
    maxQueue: e.KITTENTTS_MAX_QUEUE,
    maxRealtimeSessions: e.KITTENTTS_MAX_REALTIME_SESSIONS,
    oneshotSlackMs: e.KITTENTTS_ONESHOT_SLACK_MS,
    maxActiveTurns: e.KITTENTTS_MAX_ACTIVE_TURNS,
    chunkPolicy: e.KITTENTTS_CHUNK_POLICY,
    chunkHoldMs: e.KITTENTTS_CHUNK_HOLD_MS,
    shortOpening: e.KITTENTTS_SHORT_OPENING,
    shortOpeningWaitMs: e.KITTENTTS_SHORT_OPENING_WAIT_MS,
    synthCacheBytes: Math.round(e.KITTENTTS_SYNTH_CACHE_MB * 1024 * 1024),
    synthCacheWarmup: e.KITTENTTS_SYNTH_CACHE_WARMUP || undefined,
    idleGcBytes: Math.round(e.KITTENTTS_IDLE_GC_MB * 1024 * 1024),
    lexicon: e.KITTENTTS_LEXICON || undefined,
    wsMaxMessageBytes: e.KITTENTTS_WS_MAX_MESSAGE_BYTES,
    wsMaxMessagesPerS: e.KITTENTTS_WS_MAX_MESSAGES_PER_S,
    apiKeys: Object.freeze(e.KITTENTTS_API_KEYS),
    modelAliases: Object.freeze(parsePairs('KITTENTTS_MODEL_ALIASES', e.KITTENTTS_MODEL_ALIASES)),
    dialectMaxContexts: e.KITTENTTS_DIALECT_MAX_CONTEXTS,
    corsOrigins: Object.freeze(e.KITTENTTS_CORS_ORIGINS.length ? e.KITTENTTS_CORS_ORIGINS : ['*']),
    metricsPublic: e.KITTENTTS_METRICS_PUBLIC,
    trace: e.KITTENTTS_TRACE,
    logLevel: e.KITTENTTS_LOG_LEVEL,
    shutdownTimeoutMs: Math.round(e.KITTENTTS_SHUTDOWN_TIMEOUT_S * 1000),
    headersTimeoutMs: Math.round(e.KITTENTTS_HEADERS_TIMEOUT_S * 1000),
    requestTimeoutMs: Math.round(e.KITTENTTS_REQUEST_TIMEOUT_S * 1000),
    keepAliveTimeoutMs: Math.round(e.KITTENTTS_KEEP_ALIVE_TIMEOUT_S * 1000),
    wyomingPort: e.KITTENTTS_WYOMING_PORT,
    wyomingHost:
      e.KITTENTTS_WYOMING_HOST ?? (e.KITTENTTS_API_KEYS.length > 0 ? '127.0.0.1' : e.HOST),
    wyomingHostGiven: e.KITTENTTS_WYOMING_HOST !== undefined,
    wyomingZeroconf: e.KITTENTTS_WYOMING_ZEROCONF,
    wyomingZeroconfName:
      e.KITTENTTS_WYOMING_ZEROCONF_NAME ?? `kittentts-${os.hostname().split('.')[0] ?? 'gateway'}`,
    redisUrl: e.KITTENTTS_REDIS_URL,
    replicaId: e.KITTENTTS_REPLICA_ID ?? `${os.hostname()}-${process.pid}`,
    redisLockTtlMs: Math.round(e.KITTENTTS_REDIS_LOCK_TTL_S * 1000),
  });
}
