// Server-sent events: a subscriber to a REST streaming session (GET /api/stream/events) and the
// one-shot stream (POST /api/generate/stream) that sends each chunk's audio as soon as it exists.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { echo, GatewayError } from '../errors.js';
import { errorOf, type TtsSessionEvent } from '../session/session-events.js';
import { round } from '../ops/generation-stats.js';
import type { AudioFormat } from '../audio/index.js';
import { callerKeyId } from './auth.js';
import type { AppDeps } from './deps.js';
import { toBase64 } from './chunk-audio.js';
import { wireEvents, type WireEvent } from './wire-events.js';
import { parseWith, queryObject, readJson } from './validate.js';

interface PumpResult {
  chunks: number;
  durationS: number;
  generationS: number;
}

type Events = AsyncIterator<TtsSessionEvent>;

/**
 * Sends the session's events as SSE until the session completes or the client goes away; `first`
 * is an event already taken from `it` (the one-shot door waits for it before answering).
 */
async function pump(
  stream: SSEStreamingApi,
  it: Events,
  options: { format: AudioFormat; heartbeatMs: number; words: boolean },
  first?: TtsSessionEvent,
): Promise<PumpResult> {
  const { format, heartbeatMs } = options;
  stream.onAbort(() => void it.return?.());
  // A comment line now and then: proxies and browsers drop an SSE stream that stays silent.
  const heartbeat = setInterval(
    () => void stream.write(': heartbeat\n\n').catch(() => undefined),
    heartbeatMs,
  );
  const result: PumpResult = { chunks: 0, durationS: 0, generationS: 0 };
  const wire = wireEvents(it, format, { first, stopped: () => stream.aborted, ended: () => true });
  try {
    for await (const ev of wire) {
      if (ev.type === 'audio') {
        result.chunks++;
        result.durationS += ev.source.durationS;
        result.generationS += ev.source.timings.generationS;
      }
      await stream.writeSSE(sseMessage(ev, options.words));
    }
  } finally {
    clearInterval(heartbeat);
    await it.return?.();
  }
  return result;
}

/** `words`: the client asked for word timestamps (`timestamps: "word"`). */
function sseMessage(ev: WireEvent, words: boolean): { event: string; data: string } {
  switch (ev.type) {
    case 'audio': {
      const timed = words ? { words: ev.source.words } : {};
      return {
        event: 'audio',
        data: JSON.stringify({ ...ev.header, ...timed, audio_base64: toBase64(ev.bytes) }),
      };
    }
    case 'flushed':
      return { event: 'flushed', data: '{}' };
    case 'error':
      return { event: 'error', data: JSON.stringify({ detail: ev.detail, seq: ev.seq }) };
    case 'audio_end':
      return {
        event: 'audio_end',
        data: JSON.stringify({ format: ev.format, audio_base64: toBase64(ev.bytes) }),
      };
  }
}

export function streamSseRoutes(
  deps: Pick<
    AppDeps,
    'catalog' | 'cluster' | 'config' | 'engine' | 'openSession' | 'schemas' | 'sessions'
  >,
): Hono {
  const { schemas, openSession, engine } = deps;
  const app = new Hono();

  app.get('/stream/events', async (c: Context) => {
    const q = parseWith(schemas.streamEventsQuery, queryObject(c));
    if (deps.cluster) {
      // The session lives in Redis; its audio may be made on any replica (cluster/event-relay.ts).
      const sub = await deps.cluster.subscribe(q.session_id, callerKeyId(c), c.req.raw.signal);
      return streamSSE(c, async (stream) => {
        const options = {
          format: q.format,
          heartbeatMs: deps.config.sseHeartbeatMs,
          words: q.timestamps === 'word',
        };
        await pump(stream, sub.events, options);
        // A replica that stops closes the stream without `ended`: the session goes on elsewhere.
        if (!stream.aborted && sub.sessionEnded())
          await stream.writeSSE({ event: 'ended', data: JSON.stringify({ session_id: sub.id }) });
      });
    }
    const session = deps.sessions.get(q.session_id, callerKeyId(c));
    if (session.hasConsumer) {
      throw new GatewayError(
        409,
        'bad_request',
        `Session '${echo(q.session_id)}' already has a subscriber.`,
      );
    }
    return streamSSE(c, async (stream) => {
      const options = {
        format: q.format,
        heartbeatMs: deps.config.sseHeartbeatMs,
        words: q.timestamps === 'word',
      };
      await pump(stream, session[Symbol.asyncIterator](), options);
      if (!stream.aborted)
        await stream.writeSSE({ event: 'ended', data: JSON.stringify({ session_id: session.id }) });
    });
  });

  app.post('/generate/stream', async (c: Context) => {
    const body = parseWith(schemas.generateStream, await readJson(c));
    // Load failures become an ordinary HTTP error before the first byte of the stream.
    if (!deps.catalog.loadedModels().includes(body.model)) await engine.ensureModel(body.model);
    const session = openSession(
      {
        modelId: body.model,
        voice: body.voice,
        speed: body.speed,
        firstChunk: body.first_chunk,
        maxBufferedChars: deps.config.maxTextChars,
      },
      'sse',
    );
    const t0 = performance.now();
    const it = session[Symbol.asyncIterator]();
    let first: TtsSessionEvent | undefined;
    try {
      session.pushText(body.text);
      session.end();
      // Waiting for the first chunk costs no latency and lets its failure (a full queue: 429 with
      // Retry-After, a model that cannot load) be the HTTP status instead of an in-band event.
      const next = await it.next();
      first = next.done ? undefined : next.value;
      if (first?.type === 'error') throw errorOf(first);
    } catch (err) {
      await it.return?.();
      session.close();
      throw err;
    }
    return streamSSE(c, async (stream) => {
      try {
        const options = {
          format: body.format,
          heartbeatMs: deps.config.sseHeartbeatMs,
          words: body.timestamps === 'word',
        };
        const result = await pump(stream, it, options, first);
        if (!stream.aborted) {
          await stream.writeSSE({
            event: 'done',
            data: JSON.stringify({
              chunks: result.chunks,
              duration: round(result.durationS, 3),
              generation_time: round(result.generationS, 3),
              total_time: round((performance.now() - t0) / 1000, 3),
            }),
          });
        }
      } finally {
        session.close();
      }
    });
  });

  return app;
}
