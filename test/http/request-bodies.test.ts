import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { postJson } from '../helpers/http.js';

// Bodies a client should not get away with: one with no Content-Type (what a cross-site page may
// post without a preflight) and unknown field names as long as the body allows, under /v1 too.

let gw: TestGateway;
let sessionId = '';
beforeAll(async () => {
  gw = await startTestGateway();
  const start = await fetch(`${gw.url}/api/stream/start`, { method: 'POST' });
  sessionId = ((await start.json()) as { session_id: string }).session_id;
});
afterAll(async () => {
  await gw?.cleanup();
});

/** The client-facing message of either envelope ({detail} or OpenAI's {error:{message}}). */
async function messageOf(res: Response): Promise<string> {
  const body = (await res.json()) as { detail?: string; error?: { message: string } };
  return body.detail ?? body.error?.message ?? '';
}

describe('request bodies', () => {
  it('refuses a JSON body sent without a Content-Type with 415 on every JSON route', async () => {
    const routes = [
      '/api/generate',
      '/api/generate/stream',
      `/api/stream/chunk?session_id=${sessionId}`,
      '/v1/audio/speech',
    ];
    for (const route of routes) {
      // A byte body: fetch adds no Content-Type for it (a string would get text/plain).
      const body = new TextEncoder().encode('{"text":"Hi.","input":"Hi.","voice":"alloy"}');
      const res = await fetch(`${gw.url}${route}`, { method: 'POST', body });
      expect(res.status, route).toBe(415);
      expect(await messageOf(res), route).toMatch(/Content-Type: application\/json/);
    }
    // With it, the same body is served.
    const chunk = await postJson(`${gw.url}/api/stream/chunk?session_id=${sessionId}`, {
      text: 'Hi.',
    });
    expect(chunk.status).toBe(200);
  });

  it('still takes a chunk call with no body and no Content-Type (all its fields have defaults)', async () => {
    const res = await fetch(`${gw.url}/api/stream/chunk?session_id=${sessionId}`, {
      method: 'POST',
    });
    expect(res.status).toBe(200);
  });

  it('echoes a huge unknown field name under /v1 only in part', async () => {
    const name = `x${'y'.repeat(100_000)}`;
    const res = await postJson(`${gw.url}/v1/audio/speech`, {
      model: 'tts-1',
      input: 'Hi.',
      voice: 'alloy',
      [name]: 1,
    });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { message: string; param: string } };
    expect(error.message).toMatch(/^Unrecognized request argument supplied: xyyy/);
    expect(error.message.length).toBeLessThanOrEqual(200);
    expect(error.param.length).toBeLessThanOrEqual(100);
  });
});
