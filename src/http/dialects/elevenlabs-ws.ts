// ElevenLabs' WebSocket dialect: GET /v1/text-to-speech/{voice_id}/stream-input (one context) and
// .../multi-stream-input (contexts by context_id), as their API reference and LiveKit's plugin use
// them. Each context is a TtsSession (dialect-socket.ts). Every bad input is answered with their
// error shape `{message, error, code: 1008}` and the socket closes with 1008; an idle socket
// (inactivity_timeout seconds without a message) closes with 1000.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { upgradeWebSocket } from '@hono/node-server';
import type { WSEvents } from 'hono/ws';
import { z } from 'zod';
import { deferredKeyCheck } from '../auth.js';
import { toBase64 } from '../chunk-audio.js';
import { messageRate } from '../stream-ws.js';
import { checkHandshake, checkOrigin } from '../ws-handshake.js';
import { alignmentOf } from './elevenlabs-alignment.js';
import {
  elevenLabsQuery,
  type ElevenLabsSocketSettings,
  type Problem,
} from './elevenlabs-query.js';
import type { DialectContext } from './dialect-context.js';
import {
  ClosedIds,
  clientDetail,
  openContext,
  sendJson,
  type DialectDeps,
  type Ws,
} from './dialect-socket.js';

const message = z.object({
  text: z.string().optional(),
  context_id: z.string().max(200).optional(),
  flush: z.boolean().optional(),
  close_context: z.boolean().optional(),
  close_socket: z.boolean().optional(),
  xi_api_key: z.string().optional(),
});
type Message = z.output<typeof message>;

/** The id the single-context socket's one context goes by. */
const SOLE = '';

type Env = { Variables: { elevenlabs: ElevenLabsSocketSettings | Problem } };

export function elevenLabsWsRoutes(deps: DialectDeps): Hono<Env> {
  const app = new Hono<Env>();
  for (const kind of ['stream-input', 'multi-stream-input'] as const) {
    app.get(
      `/text-to-speech/:voice_id/${kind}`,
      async (c, next) => {
        checkHandshake((name) => c.req.header(name));
        checkOrigin(c.req.header('origin'), deps.config.corsOrigins);
        c.set('elevenlabs', elevenLabsQuery(deps, c.req.param('voice_id'), c.req.query()));
        await next();
      },
      upgradeWebSocket((c: Context<Env>) =>
        handlers(deps, c.get('elevenlabs'), kind === 'multi-stream-input', deferredKeyCheck(c)),
      ),
    );
  }
  return app;
}

/** Their error shape, then the documented close. */
function fail(ws: Ws, error: string, detail: string, contextId?: string): void {
  sendJson(ws, {
    message: detail,
    error,
    code: 1008,
    ...(contextId ? { context_id: contextId } : {}),
  });
  ws.close(1008, error);
}

function handlers(
  deps: DialectDeps,
  settings: ElevenLabsSocketSettings | Problem,
  multi: boolean,
  keyCheck: ((key: string) => boolean) | undefined,
): WSEvents {
  const contexts = new Map<string, DialectContext>();
  const closedIds = new ClosedIds();
  let authed = keyCheck === undefined;
  let lastMessageMs = Date.now();
  let idle: ReturnType<typeof setInterval> | undefined;
  const state: SocketState = { contexts, closedIds, multi, closing: false };
  const rate = messageRate(deps.config.wsMaxMessagesPerS);
  return {
    onOpen: (_evt, socket) => {
      const ws = socket as Ws;
      deps.metrics.websockets.inc();
      if ('problem' in settings) return fail(ws, settings.status, settings.problem);
      idle = setInterval(() => {
        if (Date.now() - lastMessageMs < settings.inactivityTimeoutS * 1000) return;
        ws.close(1000, 'inactivity timeout');
      }, 250).unref();
    },
    onMessage: (evt, socket) => {
      const ws = socket as Ws;
      lastMessageMs = Date.now();
      if ('problem' in settings) return;
      // As on our own socket: over the rate refused, over twice it the socket goes.
      const verdict = rate(lastMessageMs);
      const tooFast = `Too many messages: at most ${deps.config.wsMaxMessagesPerS} per second.`;
      if (verdict === 'close') return fail(ws, 'rate_limited', tooFast);
      if (verdict === 'refuse') return sendJson(ws, { message: tooFast, error: 'rate_limited' });
      const msg = parse(evt.data);
      if (typeof msg === 'string') return fail(ws, 'invalid_message', msg);
      if (!authed) {
        if (msg.xi_api_key === undefined || !keyCheck!(msg.xi_api_key)) {
          return fail(
            ws,
            'invalid_api_key',
            'A valid API key is required (xi-api-key header or xi_api_key).',
          );
        }
        authed = true;
      }
      try {
        handle(deps, ws, settings, state, msg);
      } catch (err) {
        fail(ws, 'invalid_request', clientDetail(err), msg.context_id);
      }
      if (state.closing && contexts.size === 0) ws.close(1000, 'done');
    },
    onClose: () => {
      clearInterval(idle);
      deps.metrics.websockets.dec();
      for (const ctx of contexts.values()) ctx.bargeIn();
      contexts.clear();
    },
  };
}

function parse(data: unknown): Message | string {
  if (typeof data !== 'string') return 'Send messages as JSON text frames.';
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return 'Malformed JSON message.';
  }
  const parsed = message.safeParse(json);
  return parsed.success
    ? parsed.data
    : 'Invalid message: text must be a string, flags true or false.';
}

interface SocketState {
  contexts: Map<string, DialectContext>;
  closedIds: ClosedIds;
  multi: boolean;
  /** close_socket came: the socket closes once its last context is done. */
  closing: boolean;
}

function handle(
  deps: DialectDeps,
  ws: Ws,
  settings: ElevenLabsSocketSettings,
  s: SocketState,
  msg: Message,
): void {
  if (msg.close_socket) {
    s.closing = true;
    for (const ctx of s.contexts.values()) ctx.finish();
    return;
  }
  const id = s.multi ? (msg.context_id ?? SOLE) : SOLE;
  const text = msg.text ?? '';
  if (msg.close_context) return closeContext(ws, s, id);
  if (text.length > deps.config.maxTextChars) {
    return fail(
      ws,
      'text_too_long',
      `Text is longer than ${deps.config.maxTextChars} characters.`,
      msg.context_id,
    );
  }
  if (s.closedIds.has(id)) {
    // An empty flush racing a close (LiveKit's plugin sends both when interrupted) asks nothing.
    if (text.trim() === '') return;
    return fail(
      ws,
      'context_closed',
      `Context '${id.slice(0, 64)}' was closed; open a new one.`,
      msg.context_id,
    );
  }
  let ctx = s.contexts.get(id);
  if (!ctx) {
    if (s.contexts.size >= deps.config.dialectMaxContexts) {
      return fail(
        ws,
        'max_active_conversations',
        `At most ${deps.config.dialectMaxContexts} contexts may be open on one socket.`,
        msg.context_id,
      );
    }
    ctx = open(deps, ws, settings, s, id);
  }
  const endOfInput = text === '' && (!s.multi || msg.flush === true);
  // stream-input: `{"text": ""}` ends the input; multi: an empty flush ends a reply (LiveKit).
  if (endOfInput && !s.multi) return ctx.finish();
  ctx.inputEnded = endOfInput;
  ctx.push(text, msg.flush === true);
}

/** A context closed after its input ended finishes speaking; otherwise it is a barge-in. */
function closeContext(ws: Ws, s: SocketState, id: string): void {
  const ctx = s.contexts.get(id);
  if (!ctx) return;
  s.closedIds.add(id);
  if (ctx.inputEnded) return ctx.finish();
  ctx.bargeIn();
  s.contexts.delete(id);
  sendJson(ws, { isFinal: true, contextId: id });
}

function open(
  deps: DialectDeps,
  ws: Ws,
  settings: ElevenLabsSocketSettings,
  s: SocketState,
  id: string,
): DialectContext {
  const withId = s.multi ? { contextId: id } : {};
  const ctx = openContext(deps, 'elevenlabs', ws, settings, {
    audio: (bytes, ev) => {
      // A space after each chunk's text, as ElevenLabs sends: clients split words on spaces across chunks.
      const alignment = ev ? alignmentOf(`${ev.text} `, ev.words, ev.durationS) : null;
      const aligned = settings.alignment ? { alignment, normalizedAlignment: alignment } : {};
      sendJson(ws, { audio: toBase64(bytes), isFinal: false, ...aligned, ...withId });
    },
    error: (detail) => sendJson(ws, { message: detail, error: 'synthesis_failed', ...withId }),
    done: () => {
      s.contexts.delete(id);
      s.closedIds.add(id);
      sendJson(ws, { audio: null, isFinal: true, ...withId });
      if (!s.multi || (s.closing && s.contexts.size === 0)) ws.close(1000, 'done');
    },
  });
  s.contexts.set(id, ctx);
  return ctx;
}
