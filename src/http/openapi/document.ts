// Builds the OpenAPI 3.1 document from the same zod schemas the routes validate with (request side)
// and the response schemas of responses.ts, with the per-route text of paths.ts, so the
// description cannot drift from the code.
import { z } from 'zod';
import type { AppDeps } from '../deps.js';
import { VOICES, VOICE_KEYS } from '../../kitten/voices.js';
import { GATEWAY_VERSION } from '../../ops/version.js';
import { DOCS_PROTOCOLS, FIELD_DOCS } from './field-docs.js';
import { ROUTE_DOCS, type RouteDoc } from './paths.js';
import { VOICE_ROUTE_DOCS, VOICE_SCHEMAS } from './voices-docs.js';
import * as res from './responses.js';

export type JsonSchema = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  tags: Array<{ name: string; description: string }>;
  paths: Record<string, Record<string, JsonSchema>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
  security?: Array<Record<string, string[]>>;
}

export type OpenApiDeps = Pick<AppDeps, 'schemas' | 'catalog' | 'config'>;

function toJson(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _drop, ...json } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  });
  return json as JsonSchema;
}

/** Adds what refinements cannot carry into JSON Schema: the valid choices and a sentence per field. */
function enrich(schema: JsonSchema, deps: OpenApiDeps): JsonSchema {
  const props = schema.properties as Record<string, JsonSchema> | undefined;
  if (!props) return schema;
  for (const [name, prop] of Object.entries(props)) {
    if (name === 'model' && prop.type === 'string') prop.enum = deps.catalog.ids();
    // Not an enum: saved voices and blends ("Luna(2)+Jasper(1)") are voices too.
    if (name === 'voice' && prop.type === 'string')
      prop.examples = [...VOICES.map((v) => v.id), ...VOICE_KEYS, 'Luna(2)+Jasper(1)'];
    const doc = FIELD_DOCS[name];
    if (doc && prop.description === undefined) prop.description = doc;
  }
  return schema;
}

function queryParameters(schema: z.ZodType, deps: OpenApiDeps): JsonSchema[] {
  const json = enrich(toJson(schema, 'input'), deps);
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries((json.properties ?? {}) as Record<string, JsonSchema>).map(
    ([name, prop]) => {
      const { description, ...rest } = prop;
      return {
        name,
        in: 'query',
        required: required.has(name),
        ...(description ? { description } : {}),
        schema: rest,
      };
    },
  );
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function operation(route: RouteDoc, deps: OpenApiDeps): JsonSchema {
  const op: JsonSchema = {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
  };
  if (route.description) op.description = route.description;
  const params: JsonSchema[] = [];
  for (const name of route.pathParams ?? []) {
    params.push({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
      ...(FIELD_DOCS[name] ? { description: FIELD_DOCS[name] } : {}),
    });
  }
  if (route.query) params.push(...queryParameters(deps.schemas[route.query], deps));
  if (params.length) op.parameters = params;
  if (route.body) {
    op.requestBody = {
      required: route.bodyRequired ?? true,
      content: { 'application/json': { schema: ref(route.body) } },
    };
  }
  const responses: Record<string, JsonSchema> = {};
  for (const [status, r] of Object.entries(route.responses)) {
    const content = r.schema
      ? { [r.contentType ?? 'application/json']: { schema: ref(r.schema) } }
      : r.contentType
        ? { [r.contentType]: {} }
        : undefined;
    responses[status] = { description: r.description, ...(content ? { content } : {}) };
  }
  op.responses = responses;
  return op;
}

export function buildOpenApiDocument(deps: OpenApiDeps): OpenApiDocument {
  const s = deps.schemas;
  const schemas: Record<string, JsonSchema> = {
    GenerateRequest: enrich(toJson(s.generate, 'input'), deps),
    GenerateStreamRequest: enrich(toJson(s.generateStream, 'input'), deps),
    StreamChunkRequest: enrich(toJson(s.streamChunkBody, 'input'), deps),
    WsClientMessage: toJson(s.wsMessage, 'input'),
    SpeechRequest: toJson(res.openAiSpeechBody, 'input'),
    Error: toJson(res.errorResponse, 'output'),
    HealthResponse: toJson(res.healthResponse, 'output'),
    ReadyResponse: toJson(res.readyResponse, 'output'),
    ModelsResponse: toJson(res.modelsResponse, 'output'),
    VoicesResponse: toJson(res.voicesResponse, 'output'),
    StatsResponse: toJson(res.statsResponse, 'output'),
    GenerateResponse: toJson(res.generateResponse, 'output'),
    Word: toJson(res.word, 'output'),
    StreamStartResponse: toJson(res.streamStartResponse, 'output'),
    StreamChunkResponse: toJson(res.streamChunkResponse, 'output'),
    StreamEndResponse: toJson(res.streamEndResponse, 'output'),
    OpenAiModel: toJson(res.openAiModel, 'output'),
    OpenAiModelList: toJson(res.openAiModelList, 'output'),
    OpenAiError: toJson(res.openAiError, 'output'),
    ...Object.fromEntries(
      Object.entries(VOICE_SCHEMAS).map(([name, schema]) => [name, toJson(schema, 'output')]),
    ),
  };
  const paths: OpenApiDocument['paths'] = {};
  for (const route of [...ROUTE_DOCS, ...VOICE_ROUTE_DOCS]) {
    (paths[route.path] ??= {})[route.method] = operation(route, deps);
  }
  const keysOn = deps.config.apiKeys.length > 0;
  return {
    openapi: '3.1.0',
    info: {
      title: 'KittenTTS gateway',
      version: GATEWAY_VERSION,
      description: `Real-time text-to-speech for the KittenTTS ONNX models: one-shot generation, sentence-by-sentence streaming over REST, WebSocket and SSE, and an OpenAI-compatible speech endpoint.\n\n${DOCS_PROTOCOLS}`,
    },
    tags: [
      { name: 'service', description: 'Health, models, voices and statistics.' },
      { name: 'generate', description: 'One-shot synthesis.' },
      {
        name: 'stream',
        description: 'Streaming sessions: text in pieces, audio sentence by sentence.',
      },
      { name: 'openai', description: 'Drop-in for OpenAI text-to-speech clients.' },
      {
        name: 'dialects',
        description:
          'ElevenLabs and Cartesia dialects for voice-agent frameworks (LiveKit, Pipecat).',
      },
      { name: 'meta', description: 'This document, its rendering and the browser playground.' },
    ],
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An API key as `Authorization: Bearer <key>` (when the server has keys configured).',
        },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        apiKeyQuery: {
          type: 'apiKey',
          in: 'query',
          name: 'api_key',
          description: 'For WebSocket clients that cannot set headers.',
        },
      },
    },
    ...(keysOn ? { security: [{ bearer: [] }, { apiKeyHeader: [] }, { apiKeyQuery: [] }] } : {}),
  };
}
