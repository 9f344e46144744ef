// GET /openapi.json and GET /docs (src/http/openapi/): the document validates as OpenAPI 3.1,
// lists exactly the routes the app registers, and its response schemas fit real answers.
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createApp } from '../../../src/http/app.js';
import type { AppDeps } from '../../../src/http/deps.js';
import { loadConfig } from '../../../src/config.js';
import { createSchemas } from '../../../src/http/schemas.js';
import type { OpenApiDocument } from '../../../src/http/openapi/document.js';
import * as res from '../../../src/http/openapi/responses.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { fetchJson } from '../../helpers/http.js';

let gw: TestGateway;
let doc: OpenApiDocument;
beforeAll(async () => {
  gw = await startTestGateway();
  doc = (await (await fetch(`${gw.url}/openapi.json`)).json()) as OpenApiDocument;
});
afterAll(async () => {
  await gw?.cleanup();
});

/** The routes the real app registers, as "METHOD /path/{param}" (middleware and catch-alls left out). */
function appRoutes(): Set<string> {
  const config = loadConfig({ HF_HUB_OFFLINE: '1', KITTENTTS_LOG_LEVEL: 'silent' });
  const ids = ['kitten-tts-nano'];
  // Building the app only registers routes; no engine, session or catalogue call happens here.
  const deps = {
    config,
    schemas: createSchemas({
      modelIds: ids,
      defaultModelId: ids[0]!,
      maxTextChars: config.maxTextChars,
    }),
    catalog: {
      defaultId: ids[0]!,
      ids: () => ids,
      list: () => [],
      loadedModels: () => [],
      modelLoadTimes: () => ({}),
      cacheSizeBytes: async () => 0,
    },
  } as unknown as AppDeps;
  const app = createApp(deps);
  return new Set(
    app.routes
      .filter((r) => r.method !== 'ALL' && !r.path.includes('*'))
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`),
  );
}

function documented(): Set<string> {
  return new Set(
    Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    ),
  );
}

const getJson = (path: string, init?: RequestInit & { json?: unknown }) =>
  fetchJson(`${gw.url}${path}`, init);

function expectShape(schema: z.ZodType, body: unknown): void {
  const parsed = schema.safeParse(body);
  expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues)).toBe(true);
}

describe('openapiRoutes', () => {
  it('serves a document that validates as OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('lists every route the app registers and no route it lacks', () => {
    const registered = appRoutes();
    expect(registered.size).toBeGreaterThan(10);
    expect([...registered].filter((r) => !documented().has(r))).toEqual([]);
    expect([...documented()].filter((r) => !registered.has(r))).toEqual([]);
  });

  it('resolves every $ref to a component schema', () => {
    const refs = [
      ...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g),
    ].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(10);
    for (const name of refs) expect(doc.components.schemas, name).toHaveProperty(name);
  });

  it('describes request bodies from the zod schemas, with the valid choices', () => {
    const generate = doc.components.schemas.GenerateRequest as {
      properties: Record<string, Record<string, unknown>>;
      required: string[];
    };
    expect(generate.required).toEqual(['text']);
    expect(generate.properties.model?.enum).toContain('kitten-tts-nano');
    expect(generate.properties.voice?.examples).toContain('Bella');
    expect(generate.properties.voice?.examples).toContain('Luna(2)+Jasper(1)');
    expect(generate.properties.speed?.default).toBe(1);
    const stream = doc.components.schemas.GenerateStreamRequest as {
      properties: Record<string, Record<string, unknown>>;
    };
    expect(stream.properties.format?.enum).toEqual([
      'wav',
      'pcm',
      'mp3',
      'opus',
      'flac',
      'mulaw',
      'alaw',
      'pcm_f32le',
    ]);
    expect(stream.properties.sample_rate?.type).toBe('integer');
    const ws = doc.paths['/api/stream/ws']?.get as { parameters: Array<{ name: string }> };
    expect(ws.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        'model',
        'voice',
        'speed',
        'format',
        'sample_rate',
        'first_chunk',
        'encoding',
        'api_key',
      ]),
    );
  });

  it('documents response shapes the service really answers with', async () => {
    for (const [path, schema] of [
      ['/api/health', res.healthResponse],
      ['/api/models', res.modelsResponse],
      ['/api/voices', res.voicesResponse],
      ['/v1/models', res.openAiModelList],
      ['/v1/models/kitten-tts-nano', res.openAiModel],
    ] as const) {
      const r = await getJson(path);
      expect(r.status, path).toBe(200);
      expectShape(schema, r.body);
    }
    const gen = await getJson('/api/generate', { json: { text: 'Hello there.' } });
    expectShape(res.generateResponse, gen.body);
    const timed = await getJson('/api/generate', { json: { text: 'Hello there.', timestamps: true } }); // prettier-ignore
    expectShape(res.generateResponse, timed.body);
    expect((timed.body as { words: unknown[] }).words).toHaveLength(2);
    // The default model is loaded now (the stand-in), so the replica is ready.
    const ready = await getJson('/api/ready');
    expect(ready.status).toBe(200);
    expectShape(res.readyResponse, ready.body);
    const stats = await getJson('/api/stats');
    expectShape(res.statsResponse, stats.body);
    const start = await getJson('/api/stream/start', { method: 'POST' });
    expectShape(res.streamStartResponse, start.body);
    const id = (start.body as { session_id: string }).session_id;
    const chunk = await getJson(`/api/stream/chunk?session_id=${id}`, {
      json: { text: 'One. Two', flush: true },
    });
    expectShape(res.streamChunkResponse, chunk.body);
    expectShape(
      res.streamEndResponse,
      (await getJson(`/api/stream/end/${id}`, { method: 'DELETE' })).body,
    );
    const missing = await getJson('/api/stream/end/nope', { method: 'DELETE' });
    expect(missing.status).toBe(404);
    expectShape(res.errorResponse, missing.body);
    const oaiBad = await getJson('/v1/audio/speech', { json: { model: 'tts-1', voice: 'alloy' } });
    expect(oaiBad.status).toBe(400);
    expectShape(res.openAiError, oaiBad.body);
  });

  it('renders /docs as one self-contained page naming every path', async () => {
    const r = await fetch(`${gw.url}/docs`);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await r.text();
    for (const path of Object.keys(doc.paths)) expect(html).toContain(`<code>${path}</code>`);
    expect(html).toContain('id="schema-GenerateRequest"');
    expect(html).not.toMatch(/<script|(src|href)="(https?:)?\/\//i);
  });
});
