// Composition of the running gateway: config → worker pool → engine → model store → app → HTTP
// server (+ WebSocket). main.ts and the tests both start the gateway through startGateway().
import net, { type AddressInfo, type Socket } from 'node:net';
import type { Server, ServerResponse } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { WebSocketServer } from 'ws';
import { createApp, errorResponseBody, type AppDeps, type ModelCatalog } from './app.js';
import { ConfigError, type Config } from './config.js';
import { ShuttingDownError } from './errors.js';
import { openAiErrorBody } from './http/openai-errors.js';
import { PoolEngine } from './engine/pool-engine.js';
import { WorkerPool } from './engine/pool.js';
import { GenerationStats } from './generation-stats.js';
import { createSchemas } from './http/schemas.js';
import { DEFAULT_MODEL_ID, SEED_MODELS } from './kitten/hub/model-registry.js';
import { createModelStore } from './kitten/hub/model-store.js';
import { createLogger, type Logger } from './logger.js';
import { Metrics } from './metrics.js';
import { SessionRegistry } from './session/session-registry.js';
import { RealtimeAdmission } from './session/admission.js';
import { TtsSession } from './session/tts-session.js';
import type { SchedulingPolicy } from './engine/edf-policy.js';

export interface Gateway {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
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

/** While draining, every new request (WebSocket upgrades included) gets 503 in its door's shape. */
function refusingApp(): Hono {
  const refuse = new Hono();
  refuse.all('*', () => {
    throw new ShuttingDownError();
  });
  refuse.onError((err, c) => {
    const e = err instanceof ShuttingDownError ? err : new ShuttingDownError();
    c.header('Retry-After', String(e.retryAfterS));
    c.header('Connection', 'close');
    return c.json(c.req.path.startsWith('/v1/') ? openAiErrorBody(e) : errorResponseBody(e), 503);
  });
  return refuse;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `done` every 25 ms until it holds or `deadlineMs` (epoch ms) passes; true when it held. */
async function waitUntil(done: () => boolean, deadlineMs: number): Promise<boolean> {
  while (!done()) {
    if (Date.now() >= deadlineMs) return false;
    await sleep(25);
  }
  return true;
}

export async function startGateway(config: Config, options: GatewayOptions = {}): Promise<Gateway> {
  const log = options.log ?? createLogger(config.logLevel);
  const store = createModelStore({
    hub: {
      endpoint: config.hfEndpoint,
      token: config.hfToken,
      offline: config.hfOffline,
      cacheDir: config.cacheDir,
    },
    modelDirs: config.modelDirs,
  });
  const pool = new WorkerPool({ workers: config.workers, faultInjection: options.faultInjection });
  const stats = new GenerationStats();
  let liveSessions = () => 0;
  const metrics = new Metrics({
    queueDepth: () => engine.stats().queued,
    busyWorkers: () => engine.stats().busyWorkers,
    workers: () => pool.size,
    liveSessions: () => liveSessions(),
    modelLoadTimes: () => engine.modelLoadTimes(),
  });
  const engine = new PoolEngine({
    pool,
    resolveModel: (id) => store.resolve(id),
    threadsPerWorker: config.threadsPerWorker,
    maxQueued: config.maxQueue,
    oneshotSlackMs: config.oneshotSlackMs,
    policy: options.policy,
    onChunk: (report) => metrics.recordChunk(report),
    onSynthesis: (req, result) => {
      metrics.recordSynthesis(req.modelId, result.durationS, result.timings.generationS);
      stats.record({
        model: req.modelId,
        voice: req.voice,
        textLength: req.text.length,
        durationS: result.durationS,
        generationS: result.timings.generationS,
      });
    },
  });
  const ids = () => [...new Set([...SEED_MODELS.map((m) => m.id), ...store.knownIds()])];
  const catalog: ModelCatalog = {
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
    cacheSizeBytes: () => store.cacheSizeBytes(),
  };
  const schemas = createSchemas({
    modelIds: ids(),
    defaultModelId: DEFAULT_MODEL_ID,
    maxTextChars: config.maxTextChars,
  });
  const sessions = new SessionRegistry<TtsSession>({
    ttlMs: config.sessionTtlMs,
    maxSessions: config.maxSessions,
  });
  liveSessions = () => sessions.size;
  const admission = new RealtimeAdmission({
    maxRealtimeSessions: config.maxRealtimeSessions,
    measuredAudioSPerS: () => engine.measuredAudioSPerS(),
    minSessions: config.workers,
  });
  const openSession: AppDeps['openSession'] = (options, door) => {
    // WebSocket and REST sessions have a listener playing as audio comes; SSE and OpenAI
    // one-shots await a whole text (README "Scheduling").
    const realtime = door === 'ws' || door === 'rest';
    const release = realtime ? admission.admit() : undefined;
    return new TtsSession(engine, {
      maxBufferedChars: config.maxBufferedChars,
      schedule: realtime ? 'realtime' : 'oneshot',
      oneshotSlackMs: config.oneshotSlackMs,
      ...options,
      onChunk: (info) => {
        // Time to first audio of each turn: from its first sentence being complete to its audio.
        if (info.opensTurn && info.outcome === 'ok')
          metrics.firstAudioSeconds.observe({ door }, info.sinceReadyMs / 1000);
      },
      onDeliver: (aheadS) => metrics.sessionAheadSeconds.observe({ door }, aheadS),
      onClose: release,
    });
  };
  const app = createApp({
    config,
    engine,
    catalog,
    stats,
    schemas,
    sessions,
    openSession,
    metrics,
    sessionOwners: new WeakMap(),
    log: (level, msg, fields) => log[level](msg, fields),
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.wsMaxMessageBytes });

  let draining = false;
  const refusing = refusingApp();
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve(
      {
        fetch: (req, env) => (draining ? refusing.fetch(req, env) : app.fetch(req, env)),
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
  }).catch(async (err: NodeJS.ErrnoException) => {
    // Nothing may keep the process alive after a failed start: stop the workers and sessions.
    sessions.close();
    await pool.destroy();
    const why =
      err.code === 'EADDRINUSE'
        ? 'the port is already in use'
        : err.code === 'EACCES'
          ? 'permission denied'
          : err.message;
    throw new ConfigError(
      `Cannot listen on ${config.host}:${config.port}: ${why}. Choose another PORT/HOST.`,
    );
  });
  // Every HTTP exchange until its response is done; subscriptions (SSE on a REST session) stay
  // open as long as their session, so shutdown ends them instead of waiting for them.
  const exchanges = new Map<ServerResponse, { subscription: boolean }>();
  // Connections, to see that a finished response has also left the process before exiting.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (req, res: ServerResponse) => {
    exchanges.set(res, { subscription: (req.url ?? '').startsWith('/api/stream/events') });
    res.once('close', () => exchanges.delete(res));
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  log.info('listening', {
    url,
    workers: config.workers,
    threadsPerWorker: config.threadsPerWorker,
  });

  for (const id of config.preload) {
    engine.ensureModel(id).then(
      (s) => log.info('model preloaded', { model: id, seconds: s }),
      (err: unknown) => log.error('model preload failed', { model: id, error: String(err) }),
    );
  }

  // Work is in flight while a request (not a subscription) is unanswered, a task is queued or
  // running, or a socket still holds unsent audio. Two idle polls in a row: a session hands its
  // next sentence to the pool in the tick after the previous one settles.
  const busy = () =>
    [...exchanges.values()].some((e) => !e.subscription) ||
    engine.stats().busyWorkers > 0 ||
    engine.stats().queued > 0 ||
    [...wss.clients].some((ws) => ws.bufferedAmount > 0);
  let idlePolls = 0;
  const drained = () => {
    idlePolls = busy() ? 0 : idlePolls + 1;
    return idlePolls >= 2;
  };

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const deadline = Date.now() + config.shutdownTimeoutMs;
      // 1. Stop accepting: no new connections; requests on kept-alive ones get 503.
      draining = true;
      // net's close, not http's: http.Server.close() also destroys every connection it deems
      // idle, which includes one whose response has ended but is still flushing (truncating it).
      net.Server.prototype.close.call(server);
      // 2. Let in-flight syntheses, REST calls and streams finish, up to the deadline.
      const finished = await waitUntil(drained, deadline);
      if (!finished)
        log.warn('shutdown deadline reached with work in flight', { inFlight: exchanges.size });
      // 3. Close what is left: queued chunks fail, so every request still waiting for one gets a
      // complete 503 {detail} through its door's error path (not a reset connection); a chunk
      // already running finishes (a worker cannot be interrupted) and its request with it.
      // WebSockets close with 1001 (before their sessions, which would end them with 1000 and
      // `done`), then every session, which ends open subscriptions.
      engine.scheduler.dropQueued();
      for (const client of wss.clients) client.close(1001, 'server shutting down');
      sessions.close();
      const runningGraceMs = Math.max(30_000, config.shutdownTimeoutMs);
      await waitUntil(
        () => exchanges.size === 0 && wss.clients.size === 0,
        Math.max(
          Date.now() + 1000,
          deadline,
          engine.stats().busyWorkers > 0 ? Date.now() + runningGraceMs : 0,
        ),
      );
      // A finished response may still be on its way: end each connection (FIN after the last
      // byte) and wait for the peer to close, so exiting cannot cut a response short.
      for (const socket of sockets) socket.end();
      await waitUntil(() => sockets.size === 0, Date.now() + 2000);
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      server.close(); // http's own timers
      for (const client of wss.clients) client.terminate();
      wss.close();
      // 4. Stop the workers; a task still running is allowed to end (see WorkerPool.destroy).
      await pool.destroy({ runningGraceMs });
    })());
  return { url, port, server, engine, stats, close };
}
