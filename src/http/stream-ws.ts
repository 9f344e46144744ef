// The WebSocket door (GET /api/stream/ws): one streaming session per connection. JSON text frames
// carry commands and events; audio travels as a binary frame right after its `audio` event (or as
// base64 inside it with encoding=json). The handshake and query are validated and the session
// created before the upgrade, so bad parameters and the session cap are plain HTTP answers; a
// handshake that still fails (or a client that hangs up during it) gives the session back when its
// TCP socket closes, since such a request never reaches onOpen or onClose.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { upgradeWebSocket, type HttpBindings } from '@hono/node-server';
import type { WSEvents } from 'hono/ws';
import type { AppDeps } from './deps.js';
import { GatewayError } from '../errors.js';
import type { TtsSession } from '../session/tts-session.js';
import { toBase64 } from './chunk-audio.js';
import { wireEvents } from './wire-events.js';
import { checkHandshake, checkOrigin } from './ws-handshake.js';
import { InHand } from './ws-in-hand.js';
import { handleMessage } from './ws-messages.js';
import { drained, sendJson, type Ws } from './ws-send.js';
import { forwardTrace } from './ws-trace.js';
import type { WsQuery } from './schemas.js';
import { queryObject, parseWith } from './validate.js';

type WsDeps = Pick<
  AppDeps,
  | 'catalog'
  | 'cluster'
  | 'config'
  | 'engine'
  | 'log'
  | 'metrics'
  | 'openSession'
  | 'schemas'
  | 'sessions'
>;

/** Formats whose chunks are pieces of one encoded stream: none of its bytes may be left out. */
const continuous = (format: WsQuery['format']) => format !== 'wav' && format !== 'pcm';

/** Sends the session's events until it completes; then `done` and a normal close. */
async function pumpAudio(
  ws: Ws,
  session: TtsSession,
  q: WsQuery,
  inHand: InHand,
  touch: () => void,
): Promise<void> {
  const send = (reply: Record<string, unknown>) => sendJson(ws, reply);
  // Leaving drops nothing here: a socket that goes closes its session (onClose).
  const wire = wireEvents(inHand.track(session.events()), q.format, {
    sampleRateHz: q.sample_rate,
    stopped: () => ws.readyState !== 1,
    ended: () => session.isEnded,
    // Backpressure before encoding: a cancel while the socket drains drops the chunk unencoded.
    beforeEncode: async () => {
      await drained(ws);
      return inHand.startEncoding();
    },
  });
  for await (const ev of wire) {
    touch();
    if (ev.type === 'audio') session.trace?.encoded(ev.header.seq);
    if (!inHand.settle(ev.type)) {
      inHand.sendHeld(send);
      continue;
    }
    if (ev.type === 'audio') {
      const words = q.timestamps === 'word' ? { words: ev.source.words } : {};
      sendAudio(ws, q, { type: 'audio', ...ev.header, ...words }, ev.bytes);
      session.trace?.sent(ev.header.seq, ev.source.durationS);
    } else if (ev.type === 'audio_end') {
      sendAudio(ws, q, { type: 'audio_end', format: ev.format }, ev.bytes);
    } else {
      sendJson(ws, ev);
    }
    inHand.sendHeld(send);
  }
  inHand.sendHeld(send);
  if (ws.readyState !== 1 || !session.isEnded) return;
  sendJson(ws, { type: 'done' });
  ws.close(1000, 'done');
}

/** A JSON header with the byte count, then the bytes: a binary frame, or base64 in the header. */
function sendAudio(ws: Ws, q: WsQuery, header: Record<string, unknown>, bytes: Uint8Array): void {
  const described = { ...header, bytes: bytes.byteLength };
  if (q.encoding === 'json') sendJson(ws, { ...described, audio_base64: toBase64(bytes) });
  else {
    sendJson(ws, described);
    if (ws.readyState === 1) ws.send(bytes as Uint8Array<ArrayBuffer>);
  }
}

type WsEnv = {
  Bindings: Partial<HttpBindings>;
  Variables: { wsQuery: WsQuery; wsSession: TtsSession };
};

export function streamWsRoutes(deps: WsDeps): Hono<WsEnv> {
  const app = new Hono<WsEnv>();
  app.get(
    '/stream/ws',
    async (c, next) => {
      checkHandshake((name) => c.req.header(name));
      checkOrigin(c.req.header('origin'), deps.config.corsOrigins);
      const q = parseWith(deps.schemas.wsQuery, queryObject(c));
      // With Redis, the session cap counts every replica's sessions.
      if (deps.cluster) await deps.cluster.admitWebSocket();
      // The socket's own idle timer (socketHandlers) times the session out, with a message and a close.
      const session = deps.sessions.create(
        () =>
          deps.openSession(
            {
              ...{ modelId: q.model, voice: q.voice, speed: q.speed, firstChunk: q.first_chunk },
              trace: q.trace ?? deps.config.trace,
            },
            'ws',
          ),
        { expires: false },
      );
      // Whatever becomes of the handshake, the session goes with the connection (deleting it twice,
      // here and in onClose, is harmless); a connection already gone frees it at once.
      const socket = c.env?.incoming?.socket;
      const free = () => {
        deps.sessions.delete(session.id);
        deps.cluster?.webSocketsChanged();
      };
      if (socket?.destroyed) free();
      else socket?.once('close', free);
      c.set('wsQuery', q);
      c.set('wsSession', session);
      deps.cluster?.webSocketsChanged();
      await next();
    },
    upgradeWebSocket((c: Context<WsEnv>) =>
      socketHandlers(deps, c.get('wsQuery'), c.get('wsSession')),
    ),
  );
  return app;
}

/** One socket's life: ready (once the model is loaded), messages under a rate limit, idle timeout. */
function socketHandlers(deps: WsDeps, q: WsQuery, session: TtsSession): WSEvents {
  const { config } = deps;
  const rate = messageRate(config.wsMaxMessagesPerS);
  // The idle timeout of every streaming session: a socket that neither sends nor receives for
  // that long (a forgotten tab, a peer gone without a FIN) gives its session slot back.
  let lastActiveMs = Date.now();
  const touch = () => (lastActiveMs = Date.now());
  let idleTimer: ReturnType<typeof setInterval> | undefined;
  /** What the pump holds unsent, for a cancel to leave out of what was heard. */
  const inHand = new InHand(() => session.generation, continuous(q.format));
  return {
    onOpen: (_evt, socket) => {
      const ws = socket as Ws;
      deps.metrics.websockets.inc();
      const idleCheckMs = Math.min(30_000, Math.max(100, config.sessionTtlMs / 4));
      idleTimer = setInterval(() => {
        if (Date.now() - lastActiveMs < config.sessionTtlMs) return;
        sendJson(ws, {
          type: 'error',
          detail: `Idle for ${Math.round(config.sessionTtlMs / 1000)} s: closing.`,
        });
        ws.close(1000, 'idle timeout');
      }, idleCheckMs).unref();
      forwardTrace(session.trace, (message) => sendJson(ws, message));
      start(deps, ws, q, session, { inHand, touch });
    },
    onMessage: (evt, socket) => {
      const ws = socket as Ws;
      const verdict = rate(touch());
      if (verdict !== 'ok') {
        sendJson(ws, {
          type: 'error',
          detail: `Too many messages: at most ${config.wsMaxMessagesPerS} per second.`,
        });
        if (verdict === 'close') ws.close(1008, 'message rate limit exceeded');
        return;
      }
      handleMessage(deps, ws, session, q, { inHand, data: evt.data });
    },
    onClose: () => {
      clearInterval(idleTimer);
      deps.metrics.websockets.dec();
      deps.sessions.delete(session.id);
    },
  };
}

/** Messages per one-second window: over the limit they are refused, over twice it the socket goes. */
export function messageRate(perS: number): (nowMs: number) => 'ok' | 'refuse' | 'close' {
  let windowStart = Date.now();
  let inWindow = 0;
  return (now) => {
    if (now - windowStart >= 1000) {
      windowStart = now;
      inWindow = 0;
    }
    if (++inWindow <= perS) return 'ok';
    return inWindow > 2 * perS ? 'close' : 'refuse';
  };
}

/** A model that cannot load fails the socket once, before `ready`, not once per sentence. */
function start(
  deps: WsDeps,
  ws: Ws,
  q: WsQuery,
  session: TtsSession,
  { inHand, touch }: { inHand: InHand; touch: () => void },
): void {
  const loaded = deps.catalog.loadedModels().includes(q.model)
    ? Promise.resolve(0)
    : deps.engine.ensureModel(q.model);
  // A turn that waits for the workers says so (turn admission), then when it starts.
  session.onTurnNotice = (notice) =>
    sendJson(
      ws,
      notice.type === 'turn_queued'
        ? { type: notice.type, position: notice.position, expected_wait_s: notice.expectedWaitS }
        : { type: notice.type, waited_s: notice.waitedS },
    );
  loaded.then(
    () => {
      sendJson(ws, {
        type: 'ready',
        session_id: session.id,
        model: q.model,
        voice: q.voice,
        speed: q.speed,
        sample_rate: q.sample_rate,
        format: q.format,
      });
      pumpAudio(ws, session, q, inHand, touch).catch((err: unknown) => {
        deps.log?.('error', 'websocket stream failed', { error: String(err) });
        ws.close(1011, 'internal error');
      });
    },
    (err: unknown) => {
      sendJson(ws, {
        type: 'error',
        detail: err instanceof GatewayError ? err.message : 'internal error',
      });
      ws.close(1011, 'model failed to load');
    },
  );
}
