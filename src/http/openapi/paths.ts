// The table of routes the OpenAPI document describes: method, path, which zod schema validates the
// request and which one shapes the answer. A test compares it with the routes the app really has.
import { DIALECT_ROUTE_DOCS } from './dialect-routes.js';
import type { ResponseDoc, RouteDoc } from './route-doc.js';

export type { ResponseDoc, RouteDoc } from './route-doc.js';

const bad: ResponseDoc = {
  description: 'Invalid request: the detail names the field and the valid choices.',
  schema: 'Error',
};
const notFound: ResponseDoc = {
  description: 'Unknown session (expired or ended).',
  schema: 'Error',
};
const busy: ResponseDoc = {
  description: 'Too many sessions or a full queue; retry after `Retry-After` seconds.',
  schema: 'Error',
};
const storeDown: ResponseDoc = {
  description:
    'Sessions live in Redis (`KITTENTTS_REDIS_URL`) and it is unreachable, or the server is shutting down; retry after `Retry-After` seconds.',
  schema: 'Error',
};
const oaiBad: ResponseDoc = {
  description: "Invalid request, in OpenAI's error shape.",
  schema: 'OpenAiError',
};
const sse = 'text/event-stream';

export const FIELD_DOCS: Readonly<Record<string, string>> = {
  text: 'The text to speak.',
  voice:
    'A voice name (Bella, Jasper, …), an expr-voice key, a saved voice (GET /v1/voices) or a blend such as "Luna(2)+Jasper(1)" (weights normalized).',
  speed: 'Speaking rate, 0.25–3.0 (1.0 is normal).',
  model: 'A model id from GET /api/models; the server default when omitted.',
  format:
    'Audio format of each chunk: wav and the raw formats (pcm s16le, pcm_f32le, mulaw, alaw; no header) play on their own; mp3, opus and flac chunks are pieces of one continuous stream. mulaw and alaw are G.711 (8 kHz unless sample_rate says otherwise).',
  sample_rate:
    'Output rate in Hz (an extension): 8000, 16000, 22050, 24000, 44100 or 48000 (opus: 8000, 16000, 24000, 48000). Default: 8000 for mulaw/alaw, else 24000 (the model). Other rates are resampled as one stream, so a resampled stream ends with `audio_end` carrying its last few milliseconds. See docs/audio-formats.md.',
  first_chunk:
    '`clause` lets the first audio of a turn start at a clause boundary (lower latency); later chunks are whole sentences.',
  encoding:
    '`binary`: audio as a binary frame after each `audio` event; `json`: base64 inside the event.',
  flush: 'Synthesize everything buffered now, even without a sentence end.',
  redis:
    '`required` (default): 503 while a configured Redis is unreachable. `optional`: 200 then, with `session_store: "unreachable"` (for balancers: a shared-Redis outage must not take every replica out).',
  timestamps:
    'Word timestamps: `true` (POST /api/generate) adds a top-level `words` list; `word` (streaming doors) adds `words` to every `audio` event, timed from the start of that chunk. See the Word schema.',
  session_id: 'The id POST /api/stream/start returned.',
  api_key: 'The API key, for WebSocket clients that cannot send headers.',
  trace:
    'Debugging: `1` sends a `trace` event for each stage of each chunk (text complete, enqueued, dispatched, synthesized, encoded, sent), the last with the estimated play-out start and, for a late chunk, its stall and cause (docs/realtime.md). Default: KITTENTTS_TRACE.',
  id: 'A model id.',
  file: 'A file of the playground: one of its ES modules (`app.js`, `stream.js`, `waveform.js`, …) or `style.css`.',
};

export const DOCS_PROTOCOLS = [
  'Streaming: text is segmented into sentences as it arrives; each finished sentence is synthesized at once and its audio delivered in order (`seq` 0, 1, 2, …).',
  'WebSocket (`GET /api/stream/ws`): send JSON text frames `{"type":"text","text":"…"}`, `{"type":"flush"}`, `{"type":"cancel"}` (optionally with `"played_s"`), `{"type":"end"}`, `{"type":"config","voice":"…","speed":1.2}`. The server answers `ready` on open, then per chunk an `audio` event `{seq,text,duration,sample_rate,format,bytes}` followed by one binary frame of that many bytes; `flushed`, `cancelled`, `configured`, `error` and finally `done` before closing with 1000. A turn that must wait for the workers (turn admission) is preceded by `turn_queued` `{position,expected_wait_s}` and `turn_started` `{waited_s}`.',
  'Word timestamps (`timestamps=word` on the WebSocket and the SSE subscriber, `"timestamps":"word"` in the one-shot SSE body): every `audio` event also carries `words`, a list of Word objects `{text,start,end,chars?,shared?}` timed from the start of that chunk, `chars` pointing into its `text`. Without the option events are unchanged.',
  'Barge-in: `{"type":"cancel","played_s":3.2}` says how many seconds of this turn the listener heard (a turn starts with the first audio after a `flushed` or a `cancel`, as for `playback`); `cancelled` then carries `spoken_text` (the turn up to the end of the last word heard in full) and `unspoken_text` (the rest, the buffered text included); together they are the turn\'s text, modulo whitespace. Without `played_s`, `cancelled` carries the two texts only with `timestamps=word`, counting everything sent as heard.',
  'SSE (`POST /api/generate/stream`, `GET /api/stream/events`): `audio` events with `{seq,text,duration,sample_rate,format,audio_base64}`, then `done` (one-shot) or `ended` (session); `error` events carry `{detail}`.',
].join('\n\n');

const BASE_ROUTE_DOCS: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/api/health',
    operationId: 'health',
    tag: 'service',
    summary: 'Service health and loaded models',
    responses: { '200': { description: 'Healthy.', schema: 'HealthResponse' } },
  },
  {
    method: 'get',
    path: '/api/ready',
    operationId: 'ready',
    tag: 'service',
    summary: 'Readiness: may a load balancer send this replica work now',
    query: 'readyQuery',
    description:
      'Never needs a key. 503 while the server drains, while the default model is not loaded (the first probe starts loading it; a failed load is retried on the next probe, its reason in `detail`), or while the Redis it shares sessions through is unreachable. With `?redis=optional` (what deploy/ probes with) an unreachable Redis does not fail the probe: the answer is 200 with `session_store: "unreachable"`, and REST session routes answer 503 meanwhile. Liveness is `/api/health`.',
    responses: {
      '200': { description: 'Ready.', schema: 'ReadyResponse' },
      '503': { description: 'Not ready; `detail` says why.', schema: 'Error' },
    },
  },
  {
    method: 'get',
    path: '/api/models',
    operationId: 'listModels',
    tag: 'service',
    summary: 'The model catalogue',
    responses: { '200': { description: 'Models.', schema: 'ModelsResponse' } },
  },
  {
    method: 'get',
    path: '/api/voices',
    operationId: 'listVoices',
    tag: 'service',
    summary: 'The voices',
    responses: { '200': { description: 'Voices.', schema: 'VoicesResponse' } },
  },
  {
    method: 'get',
    path: '/api/stats',
    operationId: 'stats',
    tag: 'service',
    summary: 'Generation statistics and system state',
    responses: { '200': { description: 'Statistics.', schema: 'StatsResponse' } },
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    tag: 'service',
    summary: 'Prometheus metrics',
    description:
      'Needs an API key when keys are configured, unless the server makes metrics public.',
    responses: {
      '200': { description: 'Prometheus text exposition format.', contentType: 'text/plain' },
    },
  },
  {
    method: 'post',
    path: '/api/generate',
    operationId: 'generate',
    tag: 'generate',
    summary: 'Synthesize a text, answer one WAV (base64)',
    body: 'GenerateRequest',
    responses: {
      '200': { description: 'The audio and timings.', schema: 'GenerateResponse' },
      '400': bad,
      '413': { description: 'Body too large.', schema: 'Error' },
      '503': busy,
    },
  },
  {
    method: 'post',
    path: '/api/generate/stream',
    operationId: 'generateStream',
    tag: 'generate',
    summary: 'Synthesize a text, stream each sentence as SSE',
    body: 'GenerateStreamRequest',
    description:
      'Events: `audio` per chunk as soon as it is synthesized, `audio_end` (the tail of an mp3/opus/flac stream), then `done` with `{chunks,duration,generation_time}`; after the first byte, failures arrive as an `error` event.',
    responses: {
      '200': { description: 'An event stream.', contentType: sse },
      '400': bad,
      '503': busy,
    },
  },
  {
    method: 'post',
    path: '/api/stream/start',
    operationId: 'streamStart',
    tag: 'stream',
    summary: 'Open a streaming session',
    query: 'streamStartQuery',
    responses: {
      '200': { description: 'The new session.', schema: 'StreamStartResponse' },
      '400': bad,
      '429': busy,
      '503': storeDown,
    },
  },
  {
    method: 'post',
    path: '/api/stream/chunk',
    operationId: 'streamChunk',
    tag: 'stream',
    summary: 'Push text; answer the audio of every sentence it completed',
    query: 'streamChunkQuery',
    body: 'StreamChunkRequest',
    bodyRequired: false,
    description:
      'When an SSE subscriber is attached to the session (GET /api/stream/events), this returns at once with `audio_chunks: []` and the audio goes to the subscriber.',
    responses: {
      '200': { description: 'Audio of completed sentences.', schema: 'StreamChunkResponse' },
      '400': bad,
      '404': notFound,
      '503': storeDown,
    },
  },
  {
    method: 'delete',
    path: '/api/stream/end/{session_id}',
    operationId: 'streamEnd',
    tag: 'stream',
    summary: 'End a streaming session',
    pathParams: ['session_id'],
    responses: {
      '200': { description: 'Ended.', schema: 'StreamEndResponse' },
      '404': notFound,
      '503': storeDown,
    },
  },
  {
    method: 'get',
    path: '/api/stream/events',
    operationId: 'streamEvents',
    tag: 'stream',
    summary: "Subscribe to a REST session's audio as SSE",
    query: 'streamEventsQuery',
    description:
      'Events: `audio`, `flushed`, `audio_end`, `ended` (then the stream closes), `error` with `{detail}`.',
    responses: {
      '200': { description: 'An event stream.', contentType: sse },
      '400': bad,
      '404': notFound,
      '409': { description: 'The session already has a subscriber.', schema: 'Error' },
      '503': storeDown,
    },
  },
  {
    method: 'get',
    path: '/api/stream/ws',
    operationId: 'streamWebSocket',
    tag: 'stream',
    summary: 'WebSocket streaming session (one per connection)',
    query: 'wsQuery',
    description:
      'Upgrade to a WebSocket. Client messages are JSON text frames (schema `WsClientMessage`). The server sends `ready`, then `audio` events each followed by one binary frame, `flushed`, `cancelled`, `configured`, `error`, and `done` before closing with 1000 (1011 on a fatal error, 1008 for auth/policy).',
    responses: {
      '101': { description: 'Switching protocols.' },
      '400': bad,
      '426': {
        description:
          'Not a WebSocket upgrade request (no `Connection: Upgrade` / `Upgrade: websocket`), or a Sec-WebSocket-Version other than 13.',
        schema: 'Error',
      },
      '429': busy,
    },
  },
  {
    method: 'post',
    path: '/v1/audio/speech',
    operationId: 'openAiSpeech',
    tag: 'openai',
    summary: 'OpenAI-compatible speech',
    body: 'SpeechRequest',
    description:
      'Answers the audio as a streamed body in `response_format`, or with `stream_format: "sse"` OpenAI\'s `speech.audio.delta` / `speech.audio.done` events.',
    responses: {
      '200': {
        description: 'Audio bytes (or an event stream).',
        contentType: 'application/octet-stream',
      },
      '400': oaiBad,
    },
  },
  {
    method: 'get',
    path: '/v1/models',
    operationId: 'openAiModels',
    tag: 'openai',
    summary: 'Models, OpenAI-style',
    responses: { '200': { description: 'Models.', schema: 'OpenAiModelList' } },
  },
  {
    method: 'get',
    path: '/v1/models/{id}',
    operationId: 'openAiModel',
    tag: 'openai',
    summary: 'One model, OpenAI-style',
    pathParams: ['id'],
    responses: {
      '200': { description: 'The model.', schema: 'OpenAiModel' },
      '404': { description: 'Unknown model.', schema: 'OpenAiError' },
    },
  },
  {
    method: 'get',
    path: '/',
    operationId: 'playground',
    tag: 'meta',
    summary: 'The browser playground',
    responses: { '200': { description: 'An HTML page.', contentType: 'text/html' } },
  },
  {
    method: 'get',
    path: '/playground/{file}',
    operationId: 'playgroundAsset',
    tag: 'meta',
    summary: "The playground's scripts and style sheet",
    pathParams: ['file'],
    responses: {
      '200': {
        description: "One of the playground's ES modules or its style sheet.",
        contentType: 'text/plain',
      },
      '404': { description: 'No such file.', schema: 'Error' },
    },
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapi',
    tag: 'meta',
    summary: 'This document',
    responses: { '200': { description: 'OpenAPI 3.1.', contentType: 'application/json' } },
  },
  {
    method: 'get',
    path: '/docs',
    operationId: 'docs',
    tag: 'meta',
    summary: 'This document as HTML',
    responses: { '200': { description: 'An HTML page.', contentType: 'text/html' } },
  },
];

export const ROUTE_DOCS: readonly RouteDoc[] = [...BASE_ROUTE_DOCS, ...DIALECT_ROUTE_DOCS];
