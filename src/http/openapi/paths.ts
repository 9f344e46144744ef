// The table of routes the OpenAPI document describes: method, path, which zod schema validates the
// request and which one shapes the answer. A test compares it with the routes the app really has.
// The words that describe the fields and the streaming protocols are field-docs.ts.
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
