// The WebSocket door's commands (text, flush, cancel, end, config, playback): one JSON text frame
// each, checked against the message schema; a bad one is answered in band and changes nothing.
import type { AppDeps } from './deps.js';
import { GatewayError } from '../errors.js';
import type { TtsSession } from '../session/tts-session.js';
import type { WsQuery } from './schemas.js';
import { describeIssues } from './validate.js';
import type { InHand } from './ws-in-hand.js';
import { sendJson, type Ws } from './ws-send.js';

type WsDeps = Pick<AppDeps, 'log' | 'schemas'>;

/**
 * `cancelled`, as before unless asked for more: with `played_s` (or with timestamps on) it says
 * which part of the turn was heard and which was not.
 */
function cancel(
  ws: Ws,
  session: TtsSession,
  q: WsQuery,
  inHand: InHand,
  playedS: number | undefined,
): void {
  const split = session.cancel(playedS, inHand.unsentSeq);
  const { spokenText, unspokenText } = split;
  const reply =
    playedS === undefined && q.timestamps !== 'word'
      ? { type: 'cancelled' }
      : { type: 'cancelled', spoken_text: spokenText, unspoken_text: unspokenText };
  // A chunk of a continuous stream in the encoder goes out first (pumpAudio), then this.
  inHand.reply(reply, (r) => sendJson(ws, r));
}

export function handleMessage(
  deps: WsDeps,
  ws: Ws,
  session: TtsSession,
  q: WsQuery,
  { inHand, data }: { inHand: InHand; data: unknown },
): void {
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
        cancel(ws, session, q, inHand, msg.played_s);
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
