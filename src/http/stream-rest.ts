// The seed REST streaming API: start a session, push text chunks (each call answers with the audio
// of the sentences it completed), end it. When an SSE subscriber is attached to the session, chunk
// calls return at once and the audio goes to the subscriber instead. Answers are written as a
// stream from each sentence's PCM16 WAV (chunk-answer.ts).
import { Hono, type Context } from 'hono';
import { callerKeyId } from './auth.js';
import { chunkAnswerBody, keepAsWav, type KeptChunk } from './chunk-answer.js';
import type { IdleGc } from '../ops/idle-gc.js';
import type { AppDeps } from './deps.js';
import { parseWith, queryObject, readJson } from './validate.js';

export function streamRestRoutes({
  schemas,
  sessions,
  openSession,
  idleGc,
}: Pick<AppDeps, 'schemas' | 'sessions' | 'openSession' | 'idleGc'>): Hono {
  const app = new Hono();

  app.post('/start', (c) => {
    const q = parseWith(schemas.streamStartQuery, queryObject(c));
    const session = sessions.create(
      () => openSession({ modelId: q.model, voice: q.voice, speed: q.speed }, 'rest'),
      { owner: callerKeyId(c) },
    );
    return c.json({ session_id: session.id, status: 'created' });
  });

  app.post('/chunk', async (c) => {
    const { session_id } = parseWith(schemas.streamChunkQuery, queryObject(c));
    const session = sessions.get(session_id, callerKeyId(c));
    const body = parseWith(schemas.streamChunkBody, await readJson(c, {}));
    return session.runExclusive(async () => {
      // A real-time slot for this call (429 before any text is taken when there is none); an SSE
      // subscriber holds one of its own for the audio it receives.
      const release = session.hasConsumer ? () => undefined : session.holdRealtime();
      try {
        const seqs = session.pushText(body.text, { flush: body.flush });
        const status = body.flush ? 'flushed' : 'streaming';
        if (session.hasConsumer) {
          // An SSE subscriber receives this audio.
          return sendChunkAnswer(c, [], session.bufferedText, status, idleGc);
        }
        const kept = await session.collect(seqs, c.req.raw.signal, keepAsWav);
        // Ended (DELETE, idle timeout, shutdown) while this call waited: what was made, and why the rest is missing.
        const ended = session.isEnded && kept.length < seqs.length;
        return sendChunkAnswer(c, kept, session.bufferedText, ended ? 'ended' : status, idleGc);
      } finally {
        release();
      }
    });
  });

  app.delete('/end/:session_id', (c) => {
    const id = c.req.param('session_id');
    sessions.get(id, callerKeyId(c)); // 404 when unknown or not the caller's
    sessions.delete(id);
    return c.json({ status: 'ended', session_id: id });
  });

  return app;
}

/** The chunk call's JSON answer, streamed with its exact length. */
export function sendChunkAnswer(
  c: Context,
  kept: KeptChunk[],
  bufferedText: string,
  status: string,
  idleGc?: IdleGc,
): Response {
  const { body, length } = chunkAnswerBody(kept, bufferedText, status, (bytes) =>
    idleGc?.noteAnswer(bytes),
  );
  return c.body(body, 200, {
    'Content-Type': 'application/json',
    'Content-Length': String(length),
  });
}
