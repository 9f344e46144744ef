// ElevenLabs' HTTP routes: POST /v1/text-to-speech/{voice_id} (the whole audio) and
// .../stream (chunk by chunk as it is synthesized), bodies `{text, model_id, voice_settings, …}`
// with `output_format` in the query; errors in their shape `{detail: {status, message}}`.
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { GatewayError } from '../../errors.js';
import type { AppDeps } from '../deps.js';
import { dialectErrorBody } from '../errors.js';
import { readJson } from '../validate.js';
import { pieceStream, spokenPieces } from './dialect-oneshot.js';
import { elevenLabsNames } from './elevenlabs-query.js';

type Deps = Pick<AppDeps, 'catalog' | 'config' | 'log' | 'openSession'>;

const body = z.object({
  text: z.string(),
  model_id: z.string().optional(),
  apply_text_normalization: z.enum(['auto', 'on', 'off']).optional(),
});

/** An error in ElevenLabs' shape, with its HTTP status. */
class ElevenLabsError extends GatewayError {
  constructor(
    status: number,
    readonly elevenStatus: string,
    message: string,
  ) {
    super(status, 'bad_request', message);
  }
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  mp3: 'audio/mpeg',
  pcm: 'audio/pcm',
  wav: 'audio/wav',
};

export function elevenLabsHttpRoutes(deps: Deps): Hono {
  const app = new Hono();
  app.post('/text-to-speech/:voice_id', (c) => speak(c, deps, false));
  app.post('/text-to-speech/:voice_id/stream', (c) => speak(c, deps, true));
  app.onError((err, c) => {
    const status = err instanceof GatewayError ? err.status : 500;
    if (status >= 500) deps.log?.('error', 'elevenlabs request failed', { error: String(err) });
    const elevenStatus =
      err instanceof ElevenLabsError
        ? err.elevenStatus
        : status < 500
          ? 'invalid_request'
          : 'internal_error';
    const message = err instanceof GatewayError ? err.message : 'internal error';
    return c.json(
      dialectErrorBody('elevenlabs', elevenStatus, message),
      status as ContentfulStatusCode,
    );
  });
  return app;
}

async function speak(c: Context, deps: Deps, streamed: boolean): Promise<Response> {
  const parsed = body.safeParse(await readJson(c));
  if (!parsed.success)
    throw new ElevenLabsError(
      422,
      'invalid_request',
      'The body needs "text" (a string); model_id is a string.',
    );
  const { text, model_id, apply_text_normalization } = parsed.data;
  if (text.trim() === '') throw new ElevenLabsError(400, 'empty_text', 'text must not be empty.');
  if (text.length > deps.config.maxTextChars) {
    throw new ElevenLabsError(
      400,
      'text_too_long',
      `text is longer than ${deps.config.maxTextChars} characters.`,
    );
  }
  const names = elevenLabsNames(
    deps,
    c.req.param('voice_id')!,
    model_id,
    c.req.query('output_format'),
  );
  if ('problem' in names)
    throw new ElevenLabsError(
      names.status === 'voice_not_found' ? 404 : 400,
      names.status,
      names.problem,
    );
  const settings = {
    ...names,
    ...(apply_text_normalization === 'off' ? { normalize: false } : {}),
  };
  const pieces = spokenPieces(deps, 'elevenlabs', settings, text, c.req.raw.signal);
  const headers = {
    'content-type': CONTENT_TYPES[names.target.format] ?? 'application/octet-stream',
  };
  if (!streamed) {
    const parts: Uint8Array[] = [];
    for await (const p of pieces) parts.push(p.bytes);
    return new Response(Buffer.concat(parts), { headers });
  }
  // The first chunk before the answer: its failure is still a real status.
  const first = await pieces.next();
  const onError = (err: unknown) =>
    deps.log?.('warn', 'elevenlabs stream failed', { error: String(err) });
  return new Response(
    pieceStream(first.done ? undefined : first.value, pieces, (p) => p.bytes, onError),
    { headers },
  );
}
