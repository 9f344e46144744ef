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
 * is an event already taken from `it` (the one-shot door waits for it before answering). `leave`
 * stops consuming, when the client goes away and when the stream is over (by default it only
 * returns `it`): the door says what its client's leaving means for the session.
 */
async function pump(
  stream: SSEStreamingApi,
  it: Events,
  options: { format: AudioFormat; sampleRateHz: number; heartbeatMs: number; words: boolean },
  { first, leave }: { first?: TtsSessionEvent; leave?: () => void | Promise<unknown> } = {},
): Promise<PumpResult> {
  const { format, heartbeatMs } = options;
  const stop = leave ?? (() => it.return?.());
  stream.onAbort(() => void stop());
  // A comment line now and then: proxies and browsers drop an SSE stream that stays silent.
  const heartbeat = setInterval(
    () => void stream.write(': heartbeat\n\n').catch(() => undefined),
    heartbeatMs,
  );
  const result: PumpResult = { chunks: 0, durationS: 0, generationS: 0 };
  const wire = wireEvents(it, format, {
    first,
    sampleRateHz: options.sampleRateHz,
    stopped: () => stream.aborted,
    ended: () => true,
  });
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
    await stop();
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

type SseDeps = Pick<
  AppDeps,
  'catalog' | 'cluster' | 'config' | 'engine' | 'openSession' | 'schemas' | 'sessions'
>;

export function streamSseRoutes(deps: SseDeps): Hono {
  const app = new Hono();
  app.get('/stream/events', (c: Context) => subscribe(deps, c));
  app.post('/generate/stream', (c: Context) => generateStream(deps, c));
  return app;
}

/** GET /api/stream/events: a subscriber to a REST streaming session, until it ends or the client goes. */
async function subscribe(deps: SseDeps, c: Context): Promise<Response> {
  const q = parseWith(deps.schemas.streamEventsQuery, queryObject(c));
  const options = {
    format: q.format,
    sampleRateHz: q.sample_rate,
    heartbeatMs: deps.config.sseHeartbeatMs,
    words: q.timestamps === 'word',
  };
  if (deps.cluster) {
    // The session lives in Redis; its audio may be made on any replica (cluster/event-relay.ts).
    const sub = await deps.cluster.subscribe(q.session_id, callerKeyId(c), c.req.raw.signal);
    return streamSSE(c, async (stream) => {
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
  // A listener is attached: the session counts against real-time capacity while it is.
  const release = session.holdRealtime();
  return streamSSE(c, async (stream) => {
    const events = session.events();
    // The subscriber left before the session's end: nobody wants the pending audio. The text
    // still being written is the REST client's, and stays (dropUndelivered, not cancel).
    const leave = () => {
      const leftEarly = events.active;
      void events.return();
      if (leftEarly) session.dropUndelivered();
    };
    try {
      await pump(stream, events, options, { leave });
      if (!stream.aborted)
        await stream.writeSSE({ event: 'ended', data: JSON.stringify({ session_id: session.id }) });
    } finally {
      release();
    }
  });
}

/** POST /api/generate/stream: one text, each chunk's audio sent as soon as it exists. */
async function generateStream(deps: SseDeps, c: Context): Promise<Response> {
  const body = parseWith(deps.schemas.generateStream, await readJson(c));
  // Load failures become an ordinary HTTP error before the first byte of the stream.
  if (!deps.catalog.loadedModels().includes(body.model)) await deps.engine.ensureModel(body.model);
  const session = deps.openSession(
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
  const it = session.events();
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
    await it.return();
    session.close();
    throw err;
  }
  return streamSSE(c, async (stream) => {
    // The session is this request's alone: it closes when the stream ends, however it ends.
    try {
      const options = {
        format: body.format,
        sampleRateHz: body.sample_rate,
        heartbeatMs: deps.config.sseHeartbeatMs,
        words: body.timestamps === 'word',
      };
      const result = await pump(stream, it, options, { first });
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
}
