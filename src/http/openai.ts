// The OpenAI-compatible door: POST /v1/audio/speech (OpenAI's body, every format, chunked audio or
// SSE events) and GET /v1/models, answering errors in OpenAI's envelope. Audio always leaves as
// one continuous encoded stream, sentence by sentence, as a TtsSession renders it.
import { Hono, type Context } from 'hono';
import { createStreamEncoder, contentTypeFor, type StreamEncoder } from '../audio/index.js';
import type { AppDeps } from './deps.js';
import { GatewayError, NotFoundError } from '../errors.js';
import { SAMPLE_RATE_HZ } from '../engine/protocol.js';
import { errorOf, type AudioEvent, type TtsSessionEvent } from '../session/session-events.js';
import type { TtsSession } from '../session/tts-session.js';
import { ENCODE_SLICE_SAMPLES, toBase64 } from './chunk-audio.js';
import { internalErrorBody, openAiErrorBody, OpenAiParamError, renderError } from './errors.js';
import { OPENAI_MODEL_ALIASES } from './openai-names.js';
import {
  createSpeechRequestParser,
  OPENAI_MAX_INPUT_CHARS,
  type SpeechRequest,
} from './openai-schema.js';
import { readJson } from './validate.js';

type EventIterator = AsyncIterator<TtsSessionEvent>;

/** The next audio chunk (undefined at the end); a failed sentence fails the whole response. */
async function nextAudio(it: EventIterator): Promise<AudioEvent | undefined> {
  for (;;) {
    const next = await it.next();
    if (next.done) return undefined;
    const ev = next.value;
    if (ev.type === 'audio') return ev;
    if (ev.type === 'error') throw errorOf(ev);
  }
}

/** Every audio event of the input (the session is closed on failure). */
async function allAudio(
  first: AudioEvent | undefined,
  it: EventIterator,
  session: TtsSession,
): Promise<AudioEvent[]> {
  const events: AudioEvent[] = [];
  try {
    for (let ev = first; ev; ev = await nextAudio(it)) events.push(ev);
    return events;
  } catch (err) {
    await it.return?.();
    session.close();
    throw err;
  }
}

/** Events already in hand, as the iterator encodedAudio reads. */
function listIterator(events: readonly AudioEvent[]): EventIterator {
  let i = 0;
  return {
    next: async () =>
      i < events.length ? { done: false, value: events[i++]! } : { done: true, value: undefined },
    return: async () => ({ done: true, value: undefined }),
  };
}

/** The encoded bytes of the whole input, yielded as each sentence completes. */
async function* encodedAudio(
  first: AudioEvent | undefined,
  it: EventIterator,
  encoder: StreamEncoder,
  session: TtsSession,
  onEnd: (audioBytes: number) => void,
): AsyncGenerator<Uint8Array> {
  let samples = 0;
  try {
    for (let ev = first; ev; ev = await nextAudio(it)) {
      samples += ev.samples.length;
      // A quarter second at a time, the event loop free in between (see ChunkAudioWriter).
      for (let at = 0; at < ev.samples.length; at += ENCODE_SLICE_SAMPLES) {
        if (at > 0) await new Promise<void>((r) => setImmediate(r));
        const bytes = encoder.write(ev.samples.subarray(at, at + ENCODE_SLICE_SAMPLES));
        if (bytes.length > 0) yield bytes;
      }
    }
    const tail = encoder.end();
    if (tail.length > 0) yield tail;
  } finally {
    encoder.close();
    await it.return?.();
    session.close();
    onEnd(2 * samples); // as PCM16
  }
}

const utf8 = new TextEncoder();
const sseEvent = (data: unknown): Uint8Array => utf8.encode(`data: ${JSON.stringify(data)}\n\n`);

/** OpenAI's SSE shape: speech.audio.delta per piece, speech.audio.done with usage, errors in band. */
async function* sseEvents(
  audio: AsyncGenerator<Uint8Array>,
  inputChars: number,
  onError: (err: unknown) => void,
): AsyncGenerator<Uint8Array> {
  try {
    for await (const bytes of audio)
      yield sseEvent({ type: 'speech.audio.delta', audio: toBase64(bytes) });
  } catch (err) {
    onError(err);
    yield sseEvent(err instanceof GatewayError ? openAiErrorBody(err) : internalErrorBody());
    return;
  }
  // No tokens are billed here; characters are the honest unit (documented), audio has none.
  const usage = { input_tokens: inputChars, output_tokens: 0, total_tokens: inputChars };
  yield sseEvent({ type: 'speech.audio.done', usage });
}

/** A pull-driven body: the next sentence is taken only when the client has read the last one. */
function toReadable(
  gen: AsyncGenerator<Uint8Array>,
  onError: (err: unknown) => void,
): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await gen.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      } catch (err) {
        // Mid-stream there is no status to change: abort the transfer so the client sees a failure.
        onError(err);
        controller.error(err);
      }
    },
    async cancel() {
      await gen.return(undefined);
    },
  });
}

type OpenAiDeps = Pick<
  AppDeps,
  'catalog' | 'config' | 'engine' | 'idleGc' | 'log' | 'openSession' | 'savedVoices'
>;

export function openaiRoutes(deps: OpenAiDeps): Hono {
  const { catalog, config, engine } = deps;
  const app = new Hono();
  const parseSpeech = createSpeechRequestParser({
    modelIds: catalog.ids(),
    defaultModelId: catalog.defaultId,
    maxInputChars: Math.min(OPENAI_MAX_INPUT_CHARS, config.maxTextChars),
    savedVoice: (name) => deps.savedVoices.get(name),
  });
  const models = modelList(catalog);
  app.get('/models', (c) => c.json({ object: 'list', data: models() }));
  app.get('/models/:id', (c) => {
    const model = models().find((m) => m.id === c.req.param('id'));
    if (!model)
      throw new OpenAiParamError(
        `The model '${c.req.param('id').slice(0, 64)}' does not exist.`,
        'model',
        'model_not_found',
        404,
      );
    return c.json(model);
  });

  app.post('/audio/speech', async (c) => {
    const req = parseSpeech(await readJson(c));
    // Load failures become an ordinary error response before the first byte.
    if (!catalog.loadedModels().includes(req.modelId)) await engine.ensureModel(req.modelId);
    return speechResponse(c, req, deps);
  });

  app.all('*', () => {
    throw new NotFoundError(
      'Not found: the /v1 routes are POST /v1/audio/speech, GET /v1/models, /v1/voices and POST /v1/phonemize.',
    );
  });

  app.onError((err, c) => renderError(err, c, deps.log));
  return app;
}

/** GET /v1/models: the gateway's models, then the OpenAI names it answers to. */
function modelList(catalog: OpenAiDeps['catalog']) {
  const createdS = Math.floor(Date.now() / 1000);
  return () => [
    ...catalog
      .ids()
      .map((id) => ({ id, object: 'model', created: createdS, owned_by: 'kittenml' })),
    ...OPENAI_MODEL_ALIASES.map((id) => ({
      id,
      object: 'model',
      created: createdS,
      owned_by: 'kittentts-gateway',
    })),
  ];
}

async function speechResponse(c: Context, req: SpeechRequest, deps: OpenAiDeps): Promise<Response> {
  const logStreamError = (err: unknown) => {
    if (err instanceof GatewayError && err.status < 500) return;
    deps.log?.('error', 'openai speech stream failed', {
      error: err instanceof Error ? err.message : String(err),
    });
  };
  const session = deps.openSession(
    {
      modelId: req.modelId,
      voice: req.voice,
      speed: req.speed,
      maxBufferedChars: Math.max(OPENAI_MAX_INPUT_CHARS, req.input.length),
    },
    'openai',
  );
  const signal = c.req.raw.signal;
  signal.addEventListener('abort', () => session.close(), { once: true });
  const it = session[Symbol.asyncIterator]();
  let first: AudioEvent | undefined;
  try {
    session.pushText(req.input);
    session.end();
    // Waiting for the first sentence costs no latency and lets its failure be a real status.
    first = await nextAudio(it);
  } catch (err) {
    await it.return?.();
    session.close();
    throw err;
  }
  const sampleRateHz = first?.sampleRateHz ?? SAMPLE_RATE_HZ;
  const onEnd = (bytes: number) => deps.idleGc?.noteAnswer(bytes);
  let audio: AsyncGenerator<Uint8Array>;
  if (req.format === 'flac' && req.streamFormat !== 'sse') {
    // A FLAC file states its length up front (STREAMINFO), or players show none: wait for all
    // of it (bounded by the 4096-character input) before the first byte.
    const events = await allAudio(first, it, session);
    const totalSamples = events.reduce((n, ev) => n + ev.samples.length, 0);
    const encoder = createStreamEncoder('flac', {
      sampleRateHz,
      outputSampleRateHz: req.sampleRateHz,
      totalSamples,
    });
    audio = encodedAudio(events[0], listIterator(events.slice(1)), encoder, session, onEnd);
  } else {
    const encoder = createStreamEncoder(req.format, {
      sampleRateHz,
      outputSampleRateHz: req.sampleRateHz,
    });
    audio = encodedAudio(first, it, encoder, session, onEnd);
  }
  if (req.streamFormat === 'sse') {
    const body = toReadable(sseEvents(audio, req.input.length, logStreamError), logStreamError);
    return c.body(body, 200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
    });
  }
  return c.body(toReadable(audio, logStreamError), 200, {
    'Content-Type': contentTypeFor(req.format),
  });
}
