// Server-sent events: a subscriber to a REST streaming session (GET /api/stream/events) and the
// one-shot stream (POST /api/generate/stream) that sends each chunk's audio as soon as it exists.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { ownedSession, type AppDeps } from '../app.js';
import { GatewayError } from '../errors.js';
import type { TtsSession } from '../session/tts-session.js';
import { round } from '../generation-stats.js';
import { callerKeyId } from './auth.js';
import { createChunkAudioWriter, toBase64 } from './chunk-audio.js';
import { parseWith, queryObject, readJson } from './validate.js';

interface PumpResult {
  chunks: number;
  durationS: number;
  generationS: number;
}

/** Sends the session's events as SSE until the session completes or the client goes away. */
async function pump(stream: SSEStreamingApi, session: TtsSession, format: Parameters<typeof createChunkAudioWriter>[0]): Promise<PumpResult> {
  const writer = createChunkAudioWriter(format, 24000);
  const it = session[Symbol.asyncIterator]();
  stream.onAbort(() => void it.return?.());
  const result: PumpResult = { chunks: 0, durationS: 0, generationS: 0 };
  try {
    for (;;) {
      const next = await it.next();
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
        await stream.writeSSE({ event: 'error', data: JSON.stringify({ detail: ev.detail, seq: ev.seq }) });
      }
    }
    const tail = writer.finish();
    if (tail.length > 0 && !stream.aborted) {
      await stream.writeSSE({ event: 'audio_end', data: JSON.stringify({ format: writer.format, audio_base64: toBase64(tail) }) });
    }
  } finally {
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
      throw new GatewayError(409, 'bad_request', `Session '${q.session_id}' already has a subscriber.`);
    }
    return streamSSE(c, async (stream) => {
      await pump(stream, session, q.format);
      if (!stream.aborted) await stream.writeSSE({ event: 'ended', data: JSON.stringify({ session_id: session.id }) });
    });
  });

  app.post('/generate/stream', async (c: Context) => {
    const body = parseWith(schemas.generateStream, await readJson(c));
    // Load failures become an ordinary HTTP error before the first byte of the stream.
    if (!deps.catalog.loadedModels().includes(body.model)) await engine.ensureModel(body.model);
    const session = openSession({
      modelId: body.model,
      voice: body.voice,
      speed: body.speed,
      firstChunk: body.first_chunk,
      maxBufferedChars: deps.config.maxTextChars,
    }, 'sse');
    const t0 = performance.now();
    return streamSSE(c, async (stream) => {
      try {
        session.pushText(body.text);
        session.end();
        const result = await pump(stream, session, body.format);
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
