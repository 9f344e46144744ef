// The ElevenLabs and Cartesia dialect routes in the OpenAPI table (docs/agent-frameworks.md says
// how frameworks use them). Bodies and messages are the vendors' own; the descriptions name them.
import type { RouteDoc } from './route-doc.js';

const voice = 'One of our voices (Bella, Jasper, …, any case) or an expr-voice key.';
const ws = { '101': { description: 'Switching protocols.' } };

export const DIALECT_ROUTE_DOCS: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/text-to-speech/{voice_id}/stream-input',
    operationId: 'elevenLabsStreamInput',
    tag: 'dialects',
    summary: 'ElevenLabs stream-input WebSocket (one context)',
    description: `${voice} Query: model_id, output_format (pcm_24000 …), sync_alignment, inactivity_timeout, apply_text_normalization. Messages: {"text":" "} first (xi_api_key may ride on it), text with flush, {"text":""} to end. Answers {audio, alignment, normalizedAlignment, isFinal}; bad input: {message, error, code:1008} and close 1008.`,
    pathParams: ['voice_id'],
    responses: ws,
  },
  {
    method: 'get',
    path: '/v1/text-to-speech/{voice_id}/multi-stream-input',
    operationId: 'elevenLabsMultiStreamInput',
    tag: 'dialects',
    summary: 'ElevenLabs multi-context WebSocket',
    description: `${voice} As stream-input, with context_id on every message, close_context (barge-in unless the context's input ended with an empty flush), close_socket; at most KITTENTTS_DIALECT_MAX_CONTEXTS open contexts.`,
    pathParams: ['voice_id'],
    responses: ws,
  },
  {
    method: 'post',
    path: '/v1/text-to-speech/{voice_id}',
    operationId: 'elevenLabsSpeech',
    tag: 'dialects',
    summary: 'ElevenLabs text to speech (whole audio)',
    description: `${voice} Body {text, model_id}; query output_format. Errors: {detail: {status, message}}.`,
    pathParams: ['voice_id'],
    responses: {
      '200': { description: 'Audio bytes.', contentType: 'application/octet-stream' },
      '400': { description: 'Bad output_format or text.', contentType: 'application/json' },
      '404': {
        description: 'Unknown voice (status voice_not_found).',
        contentType: 'application/json',
      },
      '422': { description: 'The body is not {text, …}.', contentType: 'application/json' },
    },
  },
  {
    method: 'post',
    path: '/v1/text-to-speech/{voice_id}/stream',
    operationId: 'elevenLabsSpeechStream',
    tag: 'dialects',
    summary: 'ElevenLabs text to speech, streamed as synthesized',
    description: `${voice} As POST /v1/text-to-speech/{voice_id}, the body sent chunk by chunk.`,
    pathParams: ['voice_id'],
    responses: {
      '200': { description: 'Audio bytes, streamed.', contentType: 'application/octet-stream' },
      '400': { description: 'Bad output_format or text.', contentType: 'application/json' },
      '404': { description: 'Unknown voice.', contentType: 'application/json' },
    },
  },
  {
    method: 'get',
    path: '/v1/voices',
    operationId: 'elevenLabsVoices',
    tag: 'dialects',
    summary: 'Our voices in ElevenLabs’ shape',
    responses: {
      '200': {
        description: '{voices: [{voice_id, name, category, labels, …}]}',
        contentType: 'application/json',
      },
    },
  },
  {
    method: 'get',
    path: '/tts/websocket',
    operationId: 'cartesiaWebSocket',
    tag: 'dialects',
    summary: 'Cartesia contexts WebSocket',
    description:
      'Cartesia-Version header or cartesia_version query; key as X-API-Key or api_key. Requests {model_id, transcript, voice:{mode:"id", id}, output_format:{container:"raw", encoding, sample_rate}, context_id, continue, add_timestamps} and {context_id, cancel:true}. Answers chunk, timestamps, done, error (status_code, done:true), each with its context_id; a bad request fails its context only.',
    responses: ws,
  },
  {
    method: 'post',
    path: '/tts/bytes',
    operationId: 'cartesiaBytes',
    tag: 'dialects',
    summary: 'Cartesia text to speech (whole audio)',
    description:
      'A Cartesia request body; output_format container raw, wav or mp3. Errors: {detail, error}.',
    responses: {
      '200': { description: 'Audio bytes.', contentType: 'application/octet-stream' },
      '400': { description: 'Bad voice, format or transcript.', contentType: 'application/json' },
    },
  },
  {
    method: 'post',
    path: '/tts/sse',
    operationId: 'cartesiaSse',
    tag: 'dialects',
    summary: 'Cartesia text to speech as server-sent events',
    description: 'A Cartesia request body (container raw): chunk and timestamps events, then done.',
    responses: {
      '200': { description: 'An event stream.', contentType: 'text/event-stream' },
      '400': { description: 'Bad voice, format or transcript.', contentType: 'application/json' },
    },
  },
];
