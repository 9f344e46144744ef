// Cartesia's WebSocket dialect: GET /tts/websocket (`Cartesia-Version` header or `cartesia_version`
// query, the key as `X-API-Key` or `?api_key=`), generation requests by context_id with
// `continue`, `cancel` of a context, and answers `chunk`, `timestamps`, `done` and `error`, each
// with its context_id. Each context is a TtsSession (dialect-socket.ts). A bad request fails its
// context only: `{type:"error", status_code, done:true}`, and the socket stays open.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { upgradeWebSocket } from '@hono/node-server';
import type { WSEvents } from 'hono/ws';
import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../errors.js';
import { toBase64 } from '../chunk-audio.js';
import { messageRate } from '../stream-ws.js';
import { checkHandshake, checkOrigin } from '../ws-handshake.js';
import { cartesiaRequest, wordTimestamps, type CartesiaRequest } from './cartesia-request.js';
import type { DialectContext } from './dialect-context.js';
import {
  ClosedIds,
  clientDetail,
  openContext,
  sendJson,
  type ContextSettings,
  type DialectDeps,
  type Ws,
} from './dialect-socket.js';

export function cartesiaWsRoutes(deps: DialectDeps): Hono {
  const app = new Hono();
  app.get(
    '/websocket',
    async (c, next) => {
      checkHandshake((name) => c.req.header(name));
      checkOrigin(c.req.header('origin'), deps.config.corsOrigins);
      await next();
    },
    upgradeWebSocket((_c: Context) => handlers(deps)),
  );
  return app;
}

interface Socket {
  readonly ws: Ws;
  readonly contexts: Map<string, DialectContext>;
  readonly closedIds: ClosedIds;
  /** Contexts whose client asked for word timestamps. */
  readonly timestamps: Set<string>;
}

function error(ws: Ws, contextId: string | undefined, statusCode: number, detail: string): void {
  sendJson(ws, {
    type: 'error',
    context_id: contextId ?? '',
    status_code: statusCode,
    done: true,
    error: detail,
  });
}

function handlers(deps: DialectDeps): WSEvents {
  const { config } = deps;
  let socket: Socket | undefined;
  const rate = messageRate(config.wsMaxMessagesPerS);
  // A socket that sends nothing for the session idle timeout gives its contexts' slots back.
  let lastMessageMs = Date.now();
  let idle: ReturnType<typeof setInterval> | undefined;
  return {
    onOpen: (_evt, ws) => {
      deps.metrics.websockets.inc();
      socket = {
        ws: ws as Ws,
        contexts: new Map(),
        closedIds: new ClosedIds(),
        timestamps: new Set(),
      };
      const checkMs = Math.min(30_000, Math.max(100, config.sessionTtlMs / 4));
      idle = setInterval(() => {
        if (Date.now() - lastMessageMs >= config.sessionTtlMs)
          socket?.ws.close(1000, 'idle timeout');
      }, checkMs).unref();
    },
    onMessage: (evt) => {
      if (!socket) return;
      lastMessageMs = Date.now();
      const verdict = rate(lastMessageMs);
      const tooFast = `Too many messages: at most ${config.wsMaxMessagesPerS} per second.`;
      if (verdict === 'close') return socket.ws.close(1008, 'message rate limit exceeded');
      if (verdict === 'refuse') return error(socket.ws, undefined, 429, tooFast);
      const req = cartesiaRequest(deps, evt.data);
      if ('problem' in req) return error(socket.ws, req.contextId, 400, req.problem);
      try {
        handle(deps, socket, req);
      } catch (err) {
        const status = err instanceof GatewayError ? err.status : 500;
        error(socket.ws, req.contextId, status, clientDetail(err));
      }
    },
    onClose: () => {
      clearInterval(idle);
      deps.metrics.websockets.dec();
      for (const ctx of socket?.contexts.values() ?? []) ctx.bargeIn();
      socket?.contexts.clear();
    },
  };
}

function handle(deps: DialectDeps, s: Socket, req: CartesiaRequest): void {
  const id = req.contextId ?? randomUUID();
  if (req.kind === 'cancel') {
    const ctx = s.contexts.get(id);
    s.closedIds.add(id);
    s.contexts.delete(id);
    ctx?.bargeIn();
    return;
  }
  if (s.closedIds.has(id)) {
    return error(s.ws, id, 400, `Context '${id.slice(0, 64)}' is closed; use a new context_id.`);
  }
  let ctx = s.contexts.get(id);
  if (!ctx) {
    if (s.contexts.size >= deps.config.dialectMaxContexts) {
      return error(
        s.ws,
        id,
        429,
        `At most ${deps.config.dialectMaxContexts} contexts may be open on one socket.`,
      );
    }
    if (req.settings === undefined)
      return error(s.ws, id, 400, req.settingsProblem ?? 'Invalid request.');
    ctx = open(deps, s, id, req.settings);
  }
  if (req.addTimestamps) s.timestamps.add(id);
  ctx.push(req.transcript, req.flush);
  if (!req.continue) ctx.finish();
}

function open(deps: DialectDeps, s: Socket, id: string, settings: ContextSettings): DialectContext {
  const { ws } = s;
  const ctx = openContext(deps, 'cartesia', ws, settings, {
    audio: (bytes, ev, offsetS) => {
      if (ev && s.timestamps.has(id) && ev.words.length > 0) {
        const word_timestamps = wordTimestamps(ev, offsetS);
        sendJson(ws, {
          type: 'timestamps',
          context_id: id,
          status_code: 206,
          done: false,
          word_timestamps,
        });
      }
      const stepTime = ev ? Math.round(ev.timings.generationS * 1000) : 0;
      sendJson(ws, {
        type: 'chunk',
        data: toBase64(bytes),
        done: false,
        status_code: 206,
        step_time: stepTime,
        context_id: id,
      });
    },
    error: (detail) =>
      sendJson(ws, { type: 'error', context_id: id, status_code: 500, done: false, error: detail }),
    done: () => {
      s.contexts.delete(id);
      s.closedIds.add(id);
      s.timestamps.delete(id);
      sendJson(ws, { type: 'done', context_id: id, status_code: 200, done: true });
    },
  });
  s.contexts.set(id, ctx);
  return ctx;
}
