// GET /api/ready (readiness) on a real gateway: 503 until the default model is loaded, 503 naming
// the model while it cannot be loaded, 503 while draining, never a key; /api/health is untouched.
// With a configured Redis away: 503, but 200 saying `session_store: "unreachable"` when the probe
// asks `?redis=optional` (what the balancer and Kubernetes ask).
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, startRedis } from '../helpers/cluster.js';
import { sentences, startTestGateway } from '../helpers/gateway.js';
import { fetchJson } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

async function readyWhen(
  url: string,
  pred: (status: number, body: unknown) => boolean,
  query = '',
) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await fetchJson<Record<string, unknown>>(`${url}/api/ready${query}`);
    if (pred(r.status, r.body)) return r;
    if (Date.now() > deadline)
      throw new Error(`readiness stayed ${r.status} ${JSON.stringify(r.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A POST whose headers `server` has read and whose body never ends (until destroyed). */
async function heldRequest(url: string, server: http.Server): Promise<http.ClientRequest> {
  const seen = new Promise<void>((resolve) => server.once('request', () => resolve()));
  const req = http.request(`${url}/api/generate`, {
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': '1000' },
  });
  req.on('error', () => undefined); // destroyed on purpose
  req.write('{"text":');
  await seen;
  return req;
}

/** A GET on a given agent (fetch cannot pin a kept-alive socket). */
function get(url: string, agent: http.Agent, body?: unknown) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: body === undefined ? 'GET' : 'POST',
        agent,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe('GET /api/ready', () => {
  it('answers 503 until the default model is loaded, then 200 without a key', async () => {
    const gw = await startTestGateway({ KITTENTTS_API_KEYS: 'secret' });
    try {
      const first = await fetchJson<{ detail: string }>(`${gw.url}/api/ready`);
      expect(first.status).toBe(503);
      expect(first.headers.get('retry-after')).toBe('1');
      expect(first.body.detail).toBe('The default model kitten-tts-nano is loading.');
      const ready = await readyWhen(gw.url, (s) => s === 200);
      expect(ready.body).toEqual({
        status: 'ready',
        replica_id: expect.any(String),
        default_model: 'kitten-tts-nano',
        session_store: 'memory',
      });
      expect(ready.headers.get('x-kittentts-replica')).toBeNull();
      expect((await fetch(`${gw.url}/api/health`)).status).toBe(200);
    } finally {
      await gw.cleanup();
    }
  });

  it('answers 503 naming the model and the cause while the default model cannot be loaded', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'kitten-empty-model-'));
    const gw = await startTestGateway({ KITTENTTS_MODEL_DIRS: `kitten-tts-nano=${empty}` });
    try {
      const r = await readyWhen(gw.url, (_s, body) =>
        /could not be loaded/.test(String((body as { detail?: string }).detail)),
      );
      expect(r.status).toBe(503);
      expect((r.body as { detail: string }).detail).toMatch(
        /^The default model kitten-tts-nano could not be loaded: .+/,
      );
      // Liveness stays as it is: the process is alive, only not ready.
      expect((await fetch(`${gw.url}/api/health`)).status).toBe(200);
    } finally {
      await gw.cleanup();
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('answers 503 while the server drains', async () => {
    const gw = await startTestGateway({ KITTENTTS_SHUTDOWN_TIMEOUT_S: '20' });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      await readyWhen(gw.url, (s) => s === 200);
      const long = get(`${gw.url}/api/generate`, agent, { text: sentences(12) });
      await waitFor(() => gw.engine.stats().busyWorkers > 0, 5000, 'work in flight');
      // A request whose body is still coming keeps the drain going after `long` ends, so the
      // kept-alive connection is not closed as idle before the next request reaches it.
      const held = await heldRequest(gw.url, gw.server);
      const closed = gw.close();
      expect((await long).status).toBe(200);
      // The next request on the kept-alive connection meets the draining server.
      const late = await get(`${gw.url}/api/ready`, agent);
      expect(late.status).toBe(503);
      expect(JSON.parse(late.text)).toHaveProperty('detail');
      held.destroy();
      await closed;
    } finally {
      agent.destroy();
      await gw.cleanup();
    }
  });

  it('accepts ?redis=optional without Redis, and refuses a value it does not know', async () => {
    const gw = await startTestGateway();
    try {
      const r = await readyWhen(gw.url, (s) => s === 200, '?redis=optional');
      expect(r.body).toMatchObject({ status: 'ready', session_store: 'memory' });
      const bad = await fetchJson<{ detail: string }>(`${gw.url}/api/ready?redis=maybe`);
      expect(bad.status).toBe(400);
      expect(bad.body.detail).toMatch(/redis: must be 'required' or 'optional'/);
    } finally {
      await gw.cleanup();
    }
  });

  it('answers 503 while a configured Redis is unreachable, but 200 saying so with ?redis=optional', async () => {
    const port = await freePort();
    const gw = await startTestGateway({ KITTENTTS_REDIS_URL: `redis://127.0.0.1:${port}` });
    let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
    try {
      const optional = await readyWhen(gw.url, (s) => s === 200, '?redis=optional');
      expect(optional.body).toMatchObject({ status: 'ready', session_store: 'unreachable' });
      const strict = await fetchJson<{ detail: string }>(`${gw.url}/api/ready`);
      expect(strict.status).toBe(503);
      expect(strict.headers.get('retry-after')).toBe('1');
      expect(strict.body.detail).toBe('The session store (Redis) is unreachable.');
      redis = await startRedis(port);
      const back = await readyWhen(gw.url, (s) => s === 200);
      expect(back.body).toMatchObject({ session_store: 'redis' });
      const both = await fetchJson(`${gw.url}/api/ready?redis=optional`);
      expect(both.body).toMatchObject({ session_store: 'redis' });
    } finally {
      await gw.cleanup();
      await redis?.stop();
    }
  });

  it('answers 503 while Redis is stuck (connected but silent), and 200 again once it answers', async () => {
    const redis = await startRedis();
    const gw = await startTestGateway({ KITTENTTS_REDIS_URL: redis.url });
    try {
      await readyWhen(gw.url, (s) => s === 200);
      redis.child.kill('SIGSTOP');
      const stuck = await readyWhen(gw.url, (s) => s === 503);
      expect(stuck.body).toEqual({ detail: 'The session store (Redis) is unreachable.' });
      const optional = await fetchJson(`${gw.url}/api/ready?redis=optional`);
      expect(optional.body).toMatchObject({ status: 'ready', session_store: 'unreachable' });
      redis.child.kill('SIGCONT');
      const back = await readyWhen(gw.url, (s) => s === 200);
      expect(back.body).toMatchObject({ session_store: 'redis' });
    } finally {
      redis.child.kill('SIGCONT');
      await gw.cleanup();
      await redis.stop();
    }
  });
});
