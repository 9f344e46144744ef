// Cartesia's HTTP routes: POST /tts/bytes (the audio, raw or in a wav/mp3 container) and
// POST /tts/sse (`chunk`, `timestamps`, `done` and `error` events shaped as on their socket).
// Errors answer `{detail, error}` with the message in both (their clients read `error`).
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { BadRequestError, GatewayError } from '../../errors.js';
import { toBase64 } from '../chunk-audio.js';
import type { AppDeps } from '../deps.js';
import { dialectErrorBody } from '../errors.js';
import { readJson } from '../validate.js';
import { cartesiaRequest, wordTimestamps } from './cartesia-request.js';
import { pieceStream, spokenPieces, type SpokenPiece } from './dialect-oneshot.js';
import type { ContextSettings } from './dialect-socket.js';

type Deps = Pick<AppDeps, 'catalog' | 'config' | 'log' | 'openSession'>;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  pcm: 'audio/pcm',
};

export function cartesiaHttpRoutes(deps: Deps): Hono {
  const app = new Hono();
  app.post('/bytes', async (c) => {
    const { settings, transcript } = await parse(c, deps, true);
    const parts: Uint8Array[] = [];
    for await (const p of spokenPieces(deps, 'cartesia', settings, transcript, c.req.raw.signal))
      parts.push(p.bytes);
    return new Response(Buffer.concat(parts), {
      headers: {
        'content-type': CONTENT_TYPES[settings.target.format] ?? 'application/octet-stream',
      },
    });
  });
  app.post('/sse', async (c) => {
    const { settings, transcript, contextId, addTimestamps } = await parse(c, deps, false);
    const pieces = spokenPieces(deps, 'cartesia', settings, transcript, c.req.raw.signal);
    const first = await pieces.next();
    const frame = (p: SpokenPiece) => sseFrames(p, contextId, addTimestamps);
    const body = pieceStream(first.done ? undefined : first.value, withDone(pieces), frame, (err) =>
      deps.log?.('warn', 'cartesia sse failed', { error: String(err) }),
    );
    return new Response(body, {
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
    });
  });
  app.onError((err, c) => {
    const status = err instanceof GatewayError ? err.status : 500;
    if (status >= 500) deps.log?.('error', 'cartesia request failed', { error: String(err) });
    const message = err instanceof GatewayError ? err.message : 'internal error';
    return c.json(dialectErrorBody('cartesia', '', message), status as ContentfulStatusCode);
  });
  return app;
}

async function parse(c: Context, deps: Deps, files: boolean) {
  const req = cartesiaRequest(deps, await readJson(c), { files: true });
  if ('problem' in req) throw new BadRequestError(req.problem);
  if (req.kind !== 'generate') throw new BadRequestError('cancel belongs on the WebSocket.');
  if (req.settings === undefined)
    throw new BadRequestError(req.settingsProblem ?? 'Invalid request.');
  if (req.transcript.trim() === '') throw new BadRequestError('transcript must not be empty.');
  const { format } = req.settings.target;
  if (!files && (format === 'wav' || format === 'mp3')) {
    throw new BadRequestError('/tts/sse sends raw audio: use container "raw".');
  }
  const settings: ContextSettings = req.settings;
  return {
    settings,
    transcript: req.transcript,
    contextId: req.contextId ?? '',
    addTimestamps: req.addTimestamps,
  };
}

/** The tail marker: a piece with no bytes and offset -1 becomes the `done` event. */
async function* withDone(pieces: AsyncGenerator<SpokenPiece>): AsyncGenerator<SpokenPiece> {
  yield* pieces;
  yield { bytes: new Uint8Array(0), offsetS: -1 };
}

function sseFrames(p: SpokenPiece, contextId: string, addTimestamps: boolean): string {
  const event = (type: string, data: Record<string, unknown>) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, context_id: contextId, ...data })}\n\n`;
  if (p.offsetS < 0) return event('done', { status_code: 200, done: true });
  let out = '';
  const ev = p.ev;
  if (ev && addTimestamps && ev.words.length > 0) {
    const word_timestamps = wordTimestamps(ev, p.offsetS);
    out += event('timestamps', { status_code: 206, done: false, word_timestamps });
  }
  const stepTime = ev ? Math.round(ev.timings.generationS * 1000) : 0;
  return (
    out +
    event('chunk', { data: toBase64(p.bytes), status_code: 206, done: false, step_time: stepTime })
  );
}
