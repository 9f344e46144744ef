// Composition of the running gateway: config → worker pool → engine → model store → app → HTTP
// server (+ WebSocket). main.ts and the tests both start the gateway through startGateway().
// This file wires the parts and listens; how the gateway drains and stops is shutdown.ts.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { WebSocketServer } from 'ws';
import { ConfigError, type Config } from './config.js';
import { createApp, createRefusingApp } from './http/app.js';
import type { AppDeps, ModelCatalog } from './http/deps.js';
import { PoolEngine } from './engine/pool-engine.js';
import { WorkerPool } from './engine/pool.js';
import { GenerationStats } from './ops/generation-stats.js';
import { createSchemas } from './http/schemas.js';
import { autoPhonemizerBackend } from './kitten/frontend/phonemize.js';
import { DEFAULT_MODEL_ID, SEED_MODELS } from './kitten/hub/model-registry.js';
import { createModelStore } from './kitten/hub/model-store.js';
import { createLogger, type Logger } from './logger.js';
import { Metrics } from './ops/metrics.js';
import { SessionRegistry } from './session/session-registry.js';
import { RealtimeAdmission } from './session/admission.js';
import { TurnAdmission, type TurnTicket } from './session/turn-admission.js';
import { TtsSession } from './session/tts-session.js';
import type { SchedulingPolicy } from './engine/edf-policy.js';
import { createShutdown, trackTraffic } from './ops/shutdown.js';
import { readWarmupFile, warmCache } from './ops/cache-warmup.js';
import { readLexiconFile } from './ops/lexicon-file.js';
import type { Lexicon } from './kitten/frontend/lexicon.js';
import { connectRedis, type RedisLink } from './cluster/redis.js';
import { ClusterSessions } from './cluster/cluster-sessions.js';
import { RedisVoiceStore } from './cluster/redis-voice-store.js';
import { FileVoiceStore, type SavedVoiceStore } from './saved-voices/saved-voice-store.js';
import { clusterStats } from './cluster/cluster-stats.js';
import { createReadiness } from './ops/readiness.js';
import { listenFailure } from './ops/listen-failure.js';
import { startWyomingDoor } from './wyoming/wyoming-door.js';

export interface Gateway {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** The Wyoming (Home Assistant) door's TCP port; undefined when it is off. */
  readonly wyomingPort: number | undefined;
  /** The name the Wyoming door is announced under over mDNS; undefined when nothing is announced. */
  readonly wyomingAnnounced: string | undefined;
  readonly engine: PoolEngine;
  readonly stats: GenerationStats;
  /** Graceful stop: refuse new work, finish in-flight work within the deadline, stop workers. */
  close(): Promise<void>;
}

export interface GatewayOptions {
  log?: Logger;
  /** Test-only: worker threads obey FAULT_MARKERS (engine/protocol.ts). Never set in production. */
  faultInjection?: boolean;
  /** Benchmarks only: another scheduling policy (the pinned-FIFO baseline in bench/lib). */
  policy?: SchedulingPolicy;
}

export async function startGateway(config: Config, options: GatewayOptions = {}): Promise<Gateway> {
  const log = options.log ?? createLogger(config.logLevel);
  // A bad warm-up file stops the start before anything runs.
  const warmup =
    config.synthCacheWarmup && config.synthCacheBytes > 0
      ? readWarmupFile(config.synthCacheWarmup, DEFAULT_MODEL_ID)
      : [];
  // So does a bad lexicon.
  const lexicon = config.lexicon ? readLexiconFile(config.lexicon) : undefined;
  if (lexicon) log.info('pronunciation lexicon loaded', { entries: lexicon.size });
  const parts = wireParts(config, options, log, lexicon);
  if (autoPhonemizerBackend() === 'wasm')
    log.warn(
      'no system libespeak-ng: the workers use the bundled WASM espeak-ng, whose stress marks ' +
        'differ from upstream on some chunks; install espeak-ng (apt install espeak-ng, brew ' +
        'install espeak-ng) for exact parity',
      {},
    );
  const { engine, pool, sessions, stats, redis } = parts;
  // Sessions work from the first request when Redis is there; when it is not, the gateway starts
  // anyway (WebSocket and one-shot routes need no Redis) and /api/ready says why it is not ready.
  if (redis && !(await redis.connected(2000))) log.warn('redis unreachable at start-up', {});
  const app = createApp(parts.deps);
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.wsMaxMessageBytes });
  let draining = false;
  const refusing = createRefusingApp();
  const server = await listen(config, wss, (req, env) =>
    draining ? refusing.fetch(req, env) : app.fetch(req, env),
  ).catch(async (err: Error) => {
    // Nothing may keep the process alive after a failed start: stop the workers and sessions.
    sessions.close();
    parts.deps.cluster?.close();
    await parts.deps.savedVoices.close();
    await redis?.close();
    await pool.destroy();
    throw err;
  });
  const wyoming = await startWyomingDoor(config, wyomingDeps(parts)).catch(async (err: Error) => {
    server.close();
    sessions.close();
    // ioredis reconnects forever (and so holds the process) unless it is closed.
    parts.deps.cluster?.close();
    await parts.deps.savedVoices.close();
    await redis?.close();
    await pool.destroy();
    throw err;
  });
  const traffic = trackTraffic(server);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  log.info('listening', {
    url,
    workers: config.workers,
    threadsPerWorker: config.threadsPerWorker,
  });
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
  const close = createShutdown({
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    log,
    server,
    wss,
    traffic,
    engine,
    sessions,
    pool,
    doors: wyoming ? [wyoming] : [],
    cluster: parts.deps.cluster,
    savedVoices: parts.deps.savedVoices,
    redis,
    startDraining: () => {
      draining = true;
      warming.abort();
    },
  });
  const wyomingAnnounced = wyoming?.announced;
  return { url, port, server, wyomingPort: wyoming?.port, wyomingAnnounced, engine, stats, close };
}

/** The Wyoming door is built from the same parts as the HTTP doors (one session opener). */
function wyomingDeps({ deps, engine }: ReturnType<typeof wireParts>) {
  const modelId = deps.catalog.defaultId;
  return {
    modelId,
    modelRepo: SEED_MODELS.find((m) => m.id === modelId)?.repo,
    ensureModel: (id: string) =>
      deps.catalog.loadedModels().includes(id) ? Promise.resolve(0) : engine.ensureModel(id),
    openSession: deps.openSession,
    savedVoice: (name: string) => deps.savedVoices.get(name),
    onConnections: (open: number) => deps.metrics.wyomingConnections.set(open),
    onEvent: (type: string, outcome: string) => deps.metrics.wyomingEvents.inc({ type, outcome }),
    log: deps.log,
  };
}

/** The gateway's parts, from the worker pool up to what the routers are built from. */
function wireParts(config: Config, options: GatewayOptions, log: Logger, lexicon?: Lexicon) {
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
    faultInjection: options.faultInjection,
    cpuMemArena: config.cpuMemArena,
  });
  const stats = new GenerationStats();
  const redis = config.redisUrl ? connectRedisLogged(config.redisUrl, log) : undefined;
  const statsSource = redis ? clusterStats(redis, stats) : undefined;
  // Saved voices: in Redis when clustered (every replica sees them), else a file in the cache dir.
  const savedVoices: SavedVoiceStore = redis
    ? new RedisVoiceStore(redis, (err) =>
        log.warn('saved voices: redis error', { error: err.message }),
      )
    : new FileVoiceStore(config.cacheDir);
  const savedVoice = (name: string) => savedVoices.get(name);
  let liveSessions = () => 0;
  const metrics = new Metrics({
    queueDepth: () => engine.stats().queued,
    busyWorkers: () => engine.stats().busyWorkers,
    workers: () => pool.size,
    liveSessions: () => liveSessions(),
    modelLoadTimes: () => engine.modelLoadTimes(),
    cache: () => engine.cacheStats(),
  });
  const engine = new PoolEngine({
    pool,
    resolveModel: (id) => store.resolve(id),
    threadsPerWorker: config.threadsPerWorker,
    maxQueued: config.maxQueue,
    oneshotSlackMs: config.oneshotSlackMs,
    cacheBytes: config.synthCacheBytes,
    savedVoice,
    ...(lexicon ? { lexicon } : {}),
    policy: options.policy,
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
      (statsSource ?? stats).record({
        model: req.modelId,
        voice: req.voice,
        textLength: req.text.length,
        durationS: result.durationS,
        generationS: result.timings.generationS,
      });
    },
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
  const cluster = redis
    ? new ClusterSessions({
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
      })
    : undefined;
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
    ...(cluster ? { cluster, clusterStats: statsSource } : {}),
    log: (level, msg, fields) => log[level](msg, fields),
  };
  return { pool, engine, sessions, stats, deps, redis };
}

/** Redis, with its connection trouble logged once per outage rather than at every retry. */
function connectRedisLogged(url: string, log: Logger): RedisLink {
  let down = false;
  const link: RedisLink = connectRedis(url, (err) => {
    if (down) return;
    down = true;
    log.warn('redis unreachable; REST sessions answer 503 until it is back', {
      error: err.message,
    });
    const check = setInterval(() => {
      if (!link.ready) return;
      down = false;
      clearInterval(check);
      log.warn('redis reachable again', {});
    }, 500);
    check.unref();
  });
  return link;
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

/** Opens sessions with the server's limits; real-time doors pass admission first. */
function sessionOpener(
  config: Config,
  engine: PoolEngine,
  metrics: Metrics,
): (
  options: Parameters<AppDeps['openSession']>[0],
  door: Parameters<AppDeps['openSession']>[1],
  how?: { admit: boolean },
) => TtsSession {
  const admission = new RealtimeAdmission({
    maxRealtimeSessions: config.maxRealtimeSessions,
    measuredAudioSPerS: () => engine.measuredAudioSPerS(),
    minSessions: config.workers,
  });
  const turns = new TurnAdmission({
    maxActiveTurns: config.maxActiveTurns,
    measuredAudioSPerS: () => engine.measuredAudioSPerS(),
    minTurns: config.workers,
  });
  const countQueued = (ticket: TurnTicket) => {
    if (!ticket.started) metrics.queuedTurns.inc();
    return ticket;
  };
  return (options, door, how = { admit: true }) => {
    // WebSocket and REST sessions have a listener playing as audio comes; SSE and OpenAI
    // one-shots await a whole text (docs/architecture.md "Scheduling"). The Wyoming and dialect doors say
    // which they open (a dialect's WebSocket contexts are real-time, its HTTP routes one-shots).
    const chooses = door === 'wyoming' || door === 'elevenlabs' || door === 'cartesia';
    const realtime = chooses ? options.schedule === 'realtime' : door === 'ws' || door === 'rest';
    // A REST session counts only while a chunk call or a subscriber is at work (holdRealtime):
    // an idle one, or one its client forgot to DELETE, holds no slot for its whole TTL.
    const perCall = door === 'rest';
    const release = realtime && how.admit && !perCall ? admission.admit() : undefined;
    return new TtsSession(engine, {
      maxBufferedChars: config.maxBufferedChars,
      schedule: realtime ? 'realtime' : 'oneshot',
      oneshotSlackMs: config.oneshotSlackMs,
      chunkPolicy: config.chunkPolicy,
      shortOpening: config.shortOpening,
      shortOpeningWaitMs: config.shortOpeningWaitMs,
      // Each turn of an admitted live session takes a turn slot (docs/realtime.md, Turn admission).
      ...(release ? { admitTurn: () => countQueued(turns.open()) } : {}),
      ...options,
      onChunk: (info) => {
        // Time to first audio of each turn: from its first sentence being complete to its audio.
        if (info.opensTurn && info.outcome === 'ok')
          metrics.firstAudioSeconds.observe({ door }, info.sinceReadyMs / 1000);
      },
      onDeliver: (aheadS) => metrics.sessionAheadSeconds.observe({ door }, aheadS),
      onClose: release,
      ...(realtime && how.admit && perCall ? { admitRealtime: () => admission.admit() } : {}),
    });
  };
}

/** Listens with the configured timeouts; a failure to listen becomes a ConfigError saying why. */
async function listen(config: Config, wss: WebSocketServer, fetch: Hono['fetch']): Promise<Server> {
  try {
    return await new Promise<Server>((resolve, reject) => {
      const s = serve(
        {
          fetch,
          port: config.port,
          hostname: config.host,
          websocket: { server: wss },
          serverOptions: {
            headersTimeout: config.headersTimeoutMs,
            requestTimeout: config.requestTimeoutMs,
            keepAliveTimeout: config.keepAliveTimeoutMs,
            // Node checks those timeouts on this interval (30 s by default, too coarse for them).
            connectionsCheckingInterval: Math.min(
              30_000,
              Math.max(100, Math.min(config.headersTimeoutMs, config.requestTimeoutMs) / 4),
            ),
          },
        },
        () => {
          s.off('error', reject);
          resolve(s as Server);
        },
      ) as Server;
      s.once('error', reject);
    });
  } catch (e) {
    throw new ConfigError(
      `Cannot listen on ${config.host}:${config.port}: ${listenFailure(e)}. Choose another PORT/HOST.`,
    );
  }
}

function preload(config: Config, engine: PoolEngine, log: Logger): void {
  for (const id of config.preload) {
    engine.ensureModel(id).then(
      (s) => log.info('model preloaded', { model: id, seconds: s }),
      (err: unknown) => log.error('model preload failed', { model: id, error: String(err) }),
    );
  }
}
