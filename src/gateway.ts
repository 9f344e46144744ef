// Composition of the running gateway: config → worker pool → engine → model store → app → HTTP
// server (+ WebSocket). main.ts and the tests both start the gateway through startGateway().
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { WebSocketServer } from 'ws';
import { createApp, type AppDeps, type ModelCatalog } from './app.js';
import type { Config } from './config.js';
import { PoolEngine } from './engine/pool-engine.js';
import { WorkerPool } from './engine/pool.js';
import { GenerationStats } from './generation-stats.js';
import { createSchemas } from './http/schemas.js';
import { DEFAULT_MODEL_ID, SEED_MODELS } from './kitten/model-registry.js';
import { createModelStore } from './kitten/model-store.js';
import { createLogger, type Logger } from './logger.js';
import { Metrics } from './metrics.js';
import { SessionRegistry } from './session/session-registry.js';
import { TtsSession } from './session/tts-session.js';

export interface Gateway {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  readonly engine: PoolEngine;
  readonly stats: GenerationStats;
  /** Graceful stop: refuse new work, finish in-flight work within the deadline, stop workers. */
  close(): Promise<void>;
}

export async function startGateway(config: Config, options: { log?: Logger } = {}): Promise<Gateway> {
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
  const pool = new WorkerPool({ workers: config.workers, maxQueued: config.maxQueue });
  const stats = new GenerationStats();
  let liveSessions = () => 0;
  const metrics = new Metrics({
    queueDepth: () => pool.stats().queued,
    busyWorkers: () => pool.stats().busyWorkers,
    workers: () => pool.size,
    liveSessions: () => liveSessions(),
    modelLoadTimes: () => engine.modelLoadTimes(),
  });
  const engine = new PoolEngine({
    pool,
    resolveModel: (id) => store.resolve(id),
    threadsPerWorker: config.threadsPerWorker,
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
  const schemas = createSchemas({ modelIds: ids(), defaultModelId: DEFAULT_MODEL_ID, maxTextChars: config.maxTextChars });
  const sessions = new SessionRegistry<TtsSession>({ ttlMs: config.sessionTtlMs, maxSessions: config.maxSessions });
  liveSessions = () => sessions.size;
  const openSession: AppDeps['openSession'] = (options, door) =>
    new TtsSession(engine.openLane(), {
      maxBufferedChars: config.maxBufferedChars,
      ...options,
      onChunk: (info) => {
        // First audio of a session: how long its first sentence waited for synthesis.
        if (info.seq === 0 && info.outcome === 'ok') metrics.firstAudioSeconds.observe({ door }, info.latencyMs / 1000);
      },
    });
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

  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host, websocket: { server: wss } }, () =>
      resolve(s as Server),
    ) as Server;
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  log.info('listening', { url, workers: config.workers, threadsPerWorker: config.threadsPerWorker });

  for (const id of config.preload) {
    engine.ensureModel(id).then(
      (s) => log.info('model preloaded', { model: id, seconds: s }),
      (err: unknown) => log.error('model preload failed', { model: id, error: String(err) }),
    );
  }

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const deadline = new Promise<void>((r) => setTimeout(r, config.shutdownTimeoutMs).unref());
      const stopped = new Promise<void>((r) => server.close(() => r()));
      sessions.close();
      for (const client of wss.clients) client.close(1001, 'server shutting down');
      await Promise.race([Promise.all([stopped, engine.close()]), deadline]);
      server.closeAllConnections();
      wss.close();
      await pool.destroy();
    })());
  return { url, port, server, engine, stats, close };
}
