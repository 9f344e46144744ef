// How the gateway stops: traffic tracking (every HTTP exchange and connection), then a graceful
// close in four steps — stop accepting, let work in flight finish up to the deadline, fail what is
// still queued and close what is left, stop the workers. docs/operations.md "Operations" describes it for users.
import net, { type Socket } from 'node:net';
import type { Server, ServerResponse } from 'node:http';
import type { WebSocketServer } from 'ws';
import type { PoolEngine } from '../engine/pool-engine.js';
import type { WorkerPool } from '../engine/pool.js';
import type { Logger } from '../logger.js';
import type { SessionRegistry } from '../session/session-registry.js';
import type { TtsSession } from '../session/tts-session.js';

export interface Traffic {
  /** Every HTTP exchange until its response is done; `subscription`: an SSE on a REST session. */
  readonly exchanges: ReadonlyMap<ServerResponse, { subscription: boolean }>;
  readonly sockets: ReadonlySet<Socket>;
}

export function trackTraffic(server: Server): Traffic {
  // Subscriptions stay open as long as their session, so shutdown ends them instead of waiting.
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
  return { exchanges, sockets };
}

export interface ShutdownParts {
  shutdownTimeoutMs: number;
  log: Logger;
  server: Server;
  wss: WebSocketServer;
  traffic: Traffic;
  engine: PoolEngine;
  sessions: SessionRegistry<TtsSession>;
  pool: WorkerPool;
  /** Doors on their own ports (the Wyoming TCP door): stopped, drained and closed with the rest. */
  doors?: readonly DrainableDoor[];
  /** REST sessions in Redis: this replica's subscriptions and publishers end with it. */
  cluster?: { close(): void } | undefined;
  redis?: { close(): Promise<void> } | undefined;
  /** From now on new requests get 503 (the refusing app). */
  startDraining(): void;
}

export interface DrainableDoor {
  /** Work in flight (a synthesis, or output not yet sent). */
  readonly busy: boolean;
  stopAccepting(): void;
  close(): Promise<void>;
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

/** The gateway's close(): graceful, once (later calls get the same promise). */
export function createShutdown(parts: ShutdownParts): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= shutDown(parts));
}

async function shutDown(parts: ShutdownParts): Promise<void> {
  const { server, wss, traffic, engine, sessions, pool, log } = parts;
  const deadline = Date.now() + parts.shutdownTimeoutMs;
  // 1. Stop accepting: no new connections; requests on kept-alive ones get 503.
  parts.startDraining();
  // net's close, not http's: http.Server.close() also destroys every connection it deems
  // idle, which includes one whose response has ended but is still flushing (truncating it).
  net.Server.prototype.close.call(server);
  for (const door of parts.doors ?? []) door.stopAccepting();
  // 2. Let in-flight syntheses, REST calls and streams finish, up to the deadline.
  const finished = await waitUntil(drained(parts), deadline);
  if (!finished)
    log.warn('shutdown deadline reached with work in flight', { inFlight: traffic.exchanges.size });
  // 3. Close what is left: queued chunks fail, so every request still waiting for one gets a
  // complete 503 {detail} through its door's error path (not a reset connection); a chunk
  // already running finishes (a worker cannot be interrupted) and its request with it.
  // WebSockets close with 1001 (before their sessions, which would end them with 1000 and
  // `done`), then every session, which ends open subscriptions.
  engine.scheduler.dropQueued();
  for (const client of wss.clients) client.close(1001, 'server shutting down');
  sessions.close();
  await Promise.all((parts.doors ?? []).map((door) => door.close()));
  parts.cluster?.close();
  const runningGraceMs = Math.max(30_000, parts.shutdownTimeoutMs);
  await waitUntil(
    () => traffic.exchanges.size === 0 && wss.clients.size === 0,
    Math.max(
      Date.now() + 1000,
      deadline,
      engine.stats().busyWorkers > 0 ? Date.now() + runningGraceMs : 0,
    ),
  );
  await closeConnections(server, wss, traffic);
  // 4. Stop the workers; a task still running is allowed to end (see WorkerPool.destroy).
  await pool.destroy({ runningGraceMs });
  await parts.redis?.close();
}

/**
 * Work is in flight while a request (not a subscription) is unanswered, a task is queued or
 * running, or a socket still holds unsent audio. Two idle polls in a row: a session hands its
 * next sentence to the pool in the tick after the previous one settles.
 */
function drained({ traffic, engine, wss, doors = [] }: ShutdownParts): () => boolean {
  const busy = () =>
    [...traffic.exchanges.values()].some((e) => !e.subscription) ||
    doors.some((door) => door.busy) ||
    engine.stats().busyWorkers > 0 ||
    engine.stats().queued > 0 ||
    [...wss.clients].some((ws) => ws.bufferedAmount > 0);
  let idlePolls = 0;
  return () => {
    idlePolls = busy() ? 0 : idlePolls + 1;
    return idlePolls >= 2;
  };
}

/**
 * A finished response may still be on its way: end each connection (FIN after the last byte) and
 * wait for the peer to close, so exiting cannot cut a response short; then force the rest.
 */
async function closeConnections(server: Server, wss: WebSocketServer, traffic: Traffic) {
  for (const socket of traffic.sockets) socket.end();
  await waitUntil(() => traffic.sockets.size === 0, Date.now() + 2000);
  server.closeAllConnections();
  for (const socket of traffic.sockets) socket.destroy();
  server.close(); // http's own timers
  for (const client of wss.clients) client.terminate();
  wss.close();
}
