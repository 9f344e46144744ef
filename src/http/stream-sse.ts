// Server-sent events: a subscriber to a REST streaming session (GET /api/stream/events) and the
// one-shot stream (POST /api/generate/stream) that sends each chunk's audio as soon as it exists.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { ownedSession, type AppDeps } from '../app.js';
import { echo, GatewayError } from '../errors.js';
import { errorOf, type TtsSessionEvent } from '../session/session-events.js';
import { SAMPLE_RATE_HZ } from '../engine/protocol.js';
import { round } from '../generation-stats.js';
import { callerKeyId } from './auth.js';
import { createChunkAudioWriter, toBase64 } from './chunk-audio.js';
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
  format: Parameters<typeof createChunkAudioWriter>[0],
  heartbeatMs: number,
  first?: TtsSessionEvent,
): Promise<PumpResult> {
  const writer = createChunkAudioWriter(format, SAMPLE_RATE_HZ);
  stream.onAbort(() => void it.return?.());
  // A comment line now and then: proxies and browsers drop an SSE stream that stays silent.
  const heartbeat = setInterval(
    () => void stream.write(': heartbeat\n\n').catch(() => undefined),
    heartbeatMs,
  );
  const result: PumpResult = { chunks: 0, durationS: 0, generationS: 0 };
  let pending = first;
  try {
    for (;;) {
      const next = pending ? { done: false as const, value: pending } : await it.next();
      pending = undefined;
      if (next.done || stream.aborted) break;
      const ev = next.value;
      if (ev.type === 'audio') {
        result.chunks++;
        result.durationS += ev.durationS;
        result.generationS += ev.timings.generationS;
        await stream.writeSSE({
          event: 'audio',
          data: JSON.stringify({
            seq: ev.seq,
            text: ev.text,
            duration: round(ev.durationS, 3),
            sample_rate: ev.sampleRateHz,
            format: writer.format,
            audio_base64: toBase64(await writer.encodeSliced(ev.samples)),
          }),
        });
      } else if (ev.type === 'flushed') {
        await stream.writeSSE({ event: 'flushed', data: '{}' });
      } else {
        await stream.writeSSE({
          event: 'error',
          data: JSON.stringify({ detail: ev.detail, seq: ev.seq }),
        });
      }
    }
    const tail = writer.finish();
    if (tail.length > 0 && !stream.aborted) {
      await stream.writeSSE({
        event: 'audio_end',
        data: JSON.stringify({ format: writer.format, audio_base64: toBase64(tail) }),
      });
    }
  } finally {
    clearInterval(heartbeat);
    await it.return?.();
  }
  return result;
}

export function streamSseRoutes(deps: AppDeps): Hono {
  const { schemas, openSession, engine } = deps;
  const app = new Hono();

  app.get('/stream/events', (c: Context) => {
    const q = parseWith(schemas.streamEventsQuery, queryObject(c));
    const session = ownedSession(deps, q.session_id, callerKeyId(c));
    if (session.hasConsumer) {
      throw new GatewayError(
        409,
        'bad_request',
        `Session '${echo(q.session_id)}' already has a subscriber.`,
      );
    }
    return streamSSE(c, async (stream) => {
      await pump(stream, session[Symbol.asyncIterator](), q.format, deps.config.sseHeartbeatMs);
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
        const result = await pump(stream, it, body.format, deps.config.sseHeartbeatMs, first);
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
