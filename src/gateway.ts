// Composition of the running gateway: config → worker pool → engine → model store → app → HTTP
// server (+ WebSocket). main.ts and the tests both start the gateway through startGateway().
// This file wires the parts and listens; the parts are gateway/, how the gateway drains and stops
// is ops/shutdown.ts, the background warm-up ops/warm-start.ts.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { WebSocketServer } from 'ws';
import type { Config } from './config.js';
import type { PoolEngine } from './engine/pool-engine.js';
import type { SchedulingPolicy } from './engine/edf-policy.js';
import { createApp, createRefusingApp } from './http/app.js';
import { autoPhonemizerBackend } from './kitten/frontend/phonemize.js';
import { DEFAULT_MODEL_ID, SEED_MODELS } from './kitten/hub/model-registry.js';
import { createLogger, type Logger } from './logger.js';
import { readWarmupFile } from './ops/cache-warmup.js';
import type { GenerationStats } from './ops/generation-stats.js';
import { readLexiconFile } from './ops/lexicon-file.js';
import { listen, serverUrl } from './ops/listen.js';
import { createShutdown, trackTraffic } from './ops/shutdown.js';
import { startWarming } from './ops/warm-start.js';
import { closeParts, wireParts, type GatewayParts } from './gateway/parts.js';
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
  const { faultInjection, policy } = options;
  const parts = wireParts(config, { faultInjection, policy, lexicon }, log);
  warnOfWasmPhonemizer(log);
  const { engine, sessions, stats, redis, deps } = parts;
  // Sessions work from the first request when Redis is there; when it is not, the gateway starts
  // anyway (WebSocket and one-shot routes need no Redis) and /api/ready says why it is not ready.
  if (redis && !(await redis.connected(2000))) log.warn('redis unreachable at start-up', {});
  const app = createApp(deps);
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.wsMaxMessageBytes });
  let draining = false;
  const refusing = createRefusingApp();
  const server = await listen(config, wss, (req, env) =>
    draining ? refusing.fetch(req, env) : app.fetch(req, env),
  ).catch(async (err: Error) => {
    // Nothing may keep the process alive after a failed start: stop the workers and sessions.
    await closeParts(parts);
    throw err;
  });
  const wyoming = await startWyomingDoor(config, wyomingDeps(parts)).catch(async (err: Error) => {
    server.close();
    await closeParts(parts);
    throw err;
  });
  const traffic = trackTraffic(server);
  const port = (server.address() as AddressInfo).port;
  const url = serverUrl(config.host, port);
  log.info('listening', {
    url,
    workers: config.workers,
    threadsPerWorker: config.threadsPerWorker,
  });
  const warming = startWarming(config, engine, warmup, log);
  const close = createShutdown({
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    log,
    server,
    wss,
    traffic,
    engine,
    sessions,
    pool: parts.pool,
    doors: wyoming ? [wyoming] : [],
    cluster: deps.cluster,
    savedVoices: deps.savedVoices,
    redis,
    startDraining: () => {
      draining = true;
      warming.abort();
    },
  });
  const wyomingAnnounced = wyoming?.announced;
  return { url, port, server, wyomingPort: wyoming?.port, wyomingAnnounced, engine, stats, close };
}

function warnOfWasmPhonemizer(log: Logger): void {
  if (autoPhonemizerBackend() === 'wasm')
    log.warn(
      'no system libespeak-ng: the workers use the bundled WASM espeak-ng, whose stress marks ' +
        'differ from upstream on some chunks; install espeak-ng (apt install espeak-ng, brew ' +
        'install espeak-ng) for exact parity',
      {},
    );
}

/** The Wyoming door is built from the same parts as the HTTP doors (one session opener). */
function wyomingDeps({ deps, engine }: GatewayParts) {
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
