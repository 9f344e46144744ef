// The seed REST streaming API: start a session, push text chunks (each call answers with the audio
// of the sentences it completed), end it. When an SSE subscriber is attached to the session, chunk
// calls return at once and the audio goes to the subscriber instead.
import { Hono } from 'hono';
import { encodeWav } from '../audio/index.js';
import { SAMPLE_RATE_HZ } from '../engine/protocol.js';
import { errorOf, type ChunkEvent } from '../session/session-events.js';
import { callerKeyId } from './auth.js';
import type { AppDeps } from './deps.js';
import { toBase64 } from './chunk-audio.js';
import { parseWith, queryObject, readJson } from './validate.js';

export function streamRestRoutes({
  schemas,
  sessions,
  openSession,
}: Pick<AppDeps, 'schemas' | 'sessions' | 'openSession'>): Hono {
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
          return c.json(chunkAnswer([], session.bufferedText, status));
        }
        const events = await session.collect(seqs, c.req.raw.signal);
        // Ended (DELETE, idle timeout, shutdown) while this call waited: what was made, and why the rest is missing.
        const ended = session.isEnded && events.length < seqs.length;
        return c.json(chunkAnswer(events, session.bufferedText, ended ? 'ended' : status));
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

/** A chunk call's answer; a sentence that failed fails the call, with that failure's status. */
export function chunkAnswer(events: readonly ChunkEvent[], bufferedText: string, status: string) {
  for (const ev of events) {
    if (ev.type === 'error') throw errorOf(ev); // keeps its Retry-After (a full queue: 429)
  }
  return {
    audio_chunks: events.map((ev) =>
      ev.type === 'audio' ? toBase64(encodeWav(ev.samples, ev.sampleRateHz)) : '',
    ),
    sample_rate: SAMPLE_RATE_HZ,
    buffered_text: bufferedText,
    status,
  };
}
