// The WebSocket door (GET /api/stream/ws): one streaming session per connection. JSON text frames
// carry commands and events; audio travels as a binary frame right after its `audio` event (or as
// base64 inside it with encoding=json). The query is validated and the session created before the
// upgrade, so bad parameters and the session cap are plain HTTP answers.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { upgradeWebSocket } from '@hono/node-server';
import type { WSContext } from 'hono/ws';
import type { WebSocket } from 'ws';
import type { AppDeps } from './deps.js';
import { echo, GatewayError } from '../errors.js';
import { SAMPLE_RATE_HZ } from '../engine/protocol.js';
import type { TtsSession } from '../session/tts-session.js';
import { toBase64 } from './chunk-audio.js';
import { wireEvents } from './wire-events.js';
import type { WsQuery } from './schemas.js';
import { describeIssues, queryObject, parseWith } from './validate.js';

type WsDeps = Pick<
  AppDeps,
  'catalog' | 'config' | 'engine' | 'log' | 'metrics' | 'openSession' | 'schemas' | 'sessions'
>;

/** Bytes the socket may hold unsent before the session stops pulling audio (backpressure). */
const HIGH_WATER_BYTES = 512 * 1024;

type Ws = WSContext<WebSocket>;

function sendJson(ws: Ws, message: Record<string, unknown>): void {
  if (ws.readyState === 1) ws.send(JSON.stringify(message));
}

async function drained(ws: Ws): Promise<void> {
  while (ws.readyState === 1 && (ws.raw?.bufferedAmount ?? 0) > HIGH_WATER_BYTES) {
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Sends the session's events until it completes; then `done` and a normal close. */
async function pumpAudio(
  ws: Ws,
  session: TtsSession,
  q: WsQuery,
  touch: () => void,
): Promise<void> {
  const wire = wireEvents(session[Symbol.asyncIterator](), q.format, {
    stopped: () => ws.readyState !== 1,
    ended: () => session.isEnded,
  });
  for await (const ev of wire) {
    touch();
    if (ev.type === 'audio') {
      await drained(ws);
      sendAudio(ws, q, { type: 'audio', ...ev.header }, ev.bytes);
    } else if (ev.type === 'audio_end') {
      sendAudio(ws, q, { type: 'audio_end', format: ev.format }, ev.bytes);
    } else {
      sendJson(ws, ev);
    }
  }
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

export function streamWsRoutes(
  deps: WsDeps,
): Hono<{ Variables: { wsQuery: WsQuery; wsSession: TtsSession } }> {
  const { schemas, sessions, openSession, config } = deps;
  const app = new Hono<{ Variables: { wsQuery: WsQuery; wsSession: TtsSession } }>();

  app.get(
    '/stream/ws',
    async (c, next) => {
      if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
        throw new GatewayError(
          426,
          'bad_request',
          'This endpoint speaks WebSocket: connect with a WebSocket client (Upgrade: websocket).',
        );
      }
      // CORS does not cover WebSocket: a page from another origin could open one with the
      // visitor's network position, so the allowed origins are checked here (clients outside a
      // browser send no Origin and are not affected).
      const origin = c.req.header('origin');
      if (
        origin !== undefined &&
        !config.corsOrigins.includes('*') &&
        !config.corsOrigins.includes(origin)
      ) {
        throw new GatewayError(
          403,
          'forbidden',
          `WebSocket connections from origin '${echo(origin, 100)}' are not allowed (KITTENTTS_CORS_ORIGINS).`,
        );
      }
      const q = parseWith(schemas.wsQuery, queryObject(c));
      c.set('wsQuery', q);
      c.set(
        'wsSession',
        // The socket's own idle timer (below) times the session out, with a message and a close.
        sessions.create(
          () =>
            openSession(
              { modelId: q.model, voice: q.voice, speed: q.speed, firstChunk: q.first_chunk },
              'ws',
            ),
          { expires: false },
        ),
      );
      await next();
    },
    upgradeWebSocket((c: Context<{ Variables: { wsQuery: WsQuery; wsSession: TtsSession } }>) => {
      const q = c.get('wsQuery');
      const session = c.get('wsSession');
      let windowStart = Date.now();
      let messagesInWindow = 0;
      // The idle timeout of every streaming session: a socket that neither sends nor receives for
      // that long (a forgotten tab, a peer gone without a FIN) gives its session slot back.
      let lastActiveMs = Date.now();
      const touch = () => (lastActiveMs = Date.now());
      let idleTimer: ReturnType<typeof setInterval> | undefined;
      return {
        onOpen: (_evt, ws) => {
          deps.metrics.websockets.inc();
          const idleCheckMs = Math.min(30_000, Math.max(100, config.sessionTtlMs / 4));
          idleTimer = setInterval(() => {
            if (Date.now() - lastActiveMs < config.sessionTtlMs) return;
            sendJson(ws as Ws, {
              type: 'error',
              detail: `Idle for ${Math.round(config.sessionTtlMs / 1000)} s: closing.`,
            });
            ws.close(1000, 'idle timeout');
          }, idleCheckMs).unref();
          // A model that cannot load fails the socket once, before `ready`, not once per sentence.
          const loaded = deps.catalog.loadedModels().includes(q.model)
            ? Promise.resolve(0)
            : deps.engine.ensureModel(q.model);
          loaded.then(
            () => {
              sendJson(ws as Ws, {
                type: 'ready',
                session_id: session.id,
                model: q.model,
                voice: q.voice,
                speed: q.speed,
                sample_rate: SAMPLE_RATE_HZ,
                format: q.format,
              });
              pumpAudio(ws as Ws, session, q, touch).catch((err: unknown) => {
                deps.log?.('error', 'websocket stream failed', { error: String(err) });
                ws.close(1011, 'internal error');
              });
            },
            (err: unknown) => {
              sendJson(ws as Ws, {
                type: 'error',
                detail: err instanceof GatewayError ? err.message : 'internal error',
              });
              ws.close(1011, 'model failed to load');
            },
          );
        },
        onMessage: (evt, ws) => {
          const now = touch();
          if (now - windowStart >= 1000) {
            windowStart = now;
            messagesInWindow = 0;
          }
          if (++messagesInWindow > config.wsMaxMessagesPerS) {
            sendJson(ws as Ws, {
              type: 'error',
              detail: `Too many messages: at most ${config.wsMaxMessagesPerS} per second.`,
            });
            if (messagesInWindow > 2 * config.wsMaxMessagesPerS)
              ws.close(1008, 'message rate limit exceeded');
            return;
          }
          handleMessage(deps, ws as Ws, session, evt.data);
        },
        onClose: () => {
          clearInterval(idleTimer);
          deps.metrics.websockets.dec();
          sessions.delete(session.id);
        },
      };
    }),
  );
  return app;
}

function handleMessage(deps: WsDeps, ws: Ws, session: TtsSession, data: unknown): void {
  if (typeof data !== 'string') {
    sendJson(ws, {
      type: 'error',
      detail: 'Binary frames are not accepted: send commands as JSON text frames.',
    });
    return;
  }
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    sendJson(ws, { type: 'error', detail: 'Malformed JSON message.' });
    return;
  }
  const parsed = deps.schemas.wsMessage.safeParse(json);
  if (!parsed.success) {
    sendJson(ws, { type: 'error', detail: `Invalid message: ${describeIssues(parsed.error)}` });
    return;
  }
  const msg = parsed.data;
  try {
    if (msg.type !== 'cancel' && session.isEnded) {
      sendJson(ws, { type: 'error', detail: 'The session has ended; open a new connection.' });
      return;
    }
    switch (msg.type) {
      case 'text':
        session.pushText(msg.text);
        break;
      case 'flush':
        session.flush();
        break;
      case 'cancel':
        session.cancel();
        sendJson(ws, { type: 'cancelled' });
        break;
      case 'end':
        session.end();
        break;
      case 'config':
        session.configure({ voice: msg.voice, speed: msg.speed });
        sendJson(ws, { type: 'configured', ...session.settings });
        break;
      case 'playback':
        // Optional: how much of this turn the listener has played; later deadlines follow it.
        session.reportPlayed(msg.played_s);
        break;
    }
  } catch (err) {
    const detail = err instanceof GatewayError ? err.message : 'internal error';
    if (!(err instanceof GatewayError))
      deps.log?.('error', 'websocket message failed', { error: String(err) });
    sendJson(ws, { type: 'error', detail });
  }
}
