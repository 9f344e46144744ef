import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestBodyLimit } from '../../src/http/body-limit.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

// The body limit on a real gateway (real worker, tiny stand-in), by Content-Length and chunked,
// and, on a bare Hono app, that a body with a Content-Length never turns the request into a full
// fetch Request (what made hono's own bodyLimit cost a few ms of main thread per request).

const LIMIT = 2048;

/** POSTs raw bytes with node:http, chunked (no Content-Length) when asked. */
function post(
  url: string,
  body: string,
  chunked: boolean,
): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (!chunked) headers['content-length'] = String(Buffer.byteLength(body));
    const req = http.request(url, { method: 'POST', headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (p: Buffer) => parts.push(p));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(parts).toString()) }),
      );
    });
    req.on('error', reject);
    if (chunked) for (let i = 0; i < body.length; i += 512) req.write(body.slice(i, i + 512));
    else req.write(body);
    req.end();
  });
}

const generateBody = (text: string) => JSON.stringify({ text, voice: 'Jasper' });

describe('the request body limit on a real gateway', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ KITTENTTS_MAX_BODY_BYTES: String(LIMIT) });
  });
  afterAll(async () => {
    await gw?.cleanup();
  });

  it('refuses a body whose Content-Length is over the limit with 413', async () => {
    const res = await post(`${gw.url}/api/generate`, generateBody('a'.repeat(LIMIT)), false);
    expect(res.status).toBe(413);
    expect(String(res.json.detail)).toContain(`${LIMIT} bytes`);
  });

  it('refuses a chunked body over the limit with 413', async () => {
    const res = await post(`${gw.url}/api/generate`, generateBody('a'.repeat(LIMIT)), true);
    expect(res.status).toBe(413);
    expect(String(res.json.detail)).toContain(`${LIMIT} bytes`);
  });

  it('synthesizes bodies under the limit, with a Content-Length or chunked', async () => {
    for (const chunked of [false, true]) {
      const res = await post(`${gw.url}/api/generate`, generateBody('Hello there.'), chunked);
      expect(res.status).toBe(200);
      expect((res.json.debug_info as { audio_samples: number }).audio_samples).toBeGreaterThan(0);
    }
  });
});

describe('requestBodyLimit on @hono/node-server', () => {
  let server: ServerType;
  let url = '';
  beforeAll(async () => {
    const app = new Hono();
    app.use(
      '*',
      requestBodyLimit(LIMIT, () => {
        throw new Error('too large');
      }),
    );
    app.onError((err, c) => c.json({ detail: err.message }, 413));
    app.post('/echo', async (c) => {
      const raw = c.req.raw as unknown as Record<symbol, unknown>;
      // @hono/node-server's lightweight request keeps its socket under a symbol and caches the
      // full fetch Request it builds on demand under another (names from its source).
      const own = Object.getOwnPropertySymbols(raw).map((s) => [s.description, raw[s]] as const);
      const lightweight = own.some(([name]) => name === 'incomingKey');
      const cached = own.some(([name, value]) => name === 'requestCache' && value !== undefined);
      const bytes = (await c.req.arrayBuffer()).byteLength;
      return c.json({ built: !lightweight || cached, bytes });
    });
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((r) => server.once('listening', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('reads a body with a Content-Length without building a fetch Request', async () => {
    const res = await post(`${url}/echo`, 'x'.repeat(1000), false);
    expect(res).toEqual({ status: 200, json: { built: false, bytes: 1000 } });
  });

  it('counts a chunked body through the fetch Request as it reads it', async () => {
    const res = await post(`${url}/echo`, 'x'.repeat(1000), true);
    expect(res).toEqual({ status: 200, json: { built: true, bytes: 1000 } });
    expect((await post(`${url}/echo`, 'x'.repeat(LIMIT + 1), true)).status).toBe(413);
  });
});
