import http from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sentences, startTestGateway, TINY_DIR } from '../helpers/gateway.js';
import { startGatewayProcess } from '../helpers/gateway-process.js';
import { postJson } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';
import { wsClient } from '../helpers/ws-client.js';

/** A raw request on a given agent (fetch cannot pin a kept-alive socket). */
function request(
  url: string,
  agent: http.Agent,
  body?: unknown,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
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
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe('graceful shutdown', () => {
  it('stops accepting, finishes in-flight requests and streams, closes idle sockets with 1001', async () => {
    const gw = await startTestGateway({ KITTENTTS_SHUTDOWN_TIMEOUT_S: '20' });
    await postJson(`${gw.url}/api/generate`, { text: 'Warm up.' });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const idle = wsClient(gw.url);
    const streaming = wsClient(gw.url);
    await idle.until(() => idle.types().includes('ready'));
    await streaming.until(() => streaming.types().includes('ready'));

    const generate = request(`${gw.url}/api/generate`, agent, { text: sentences(20) });
    // A stream whose response started before the close (a request still in transit could
    // meet the 503 instead).
    const sseResponse = await postJson(`${gw.url}/api/generate/stream`, {
      text: sentences(8, 'Streamed'),
    });
    expect(sseResponse.status).toBe(200);
    const sse = sseResponse.text();
    streaming.send({ type: 'text', text: sentences(8, 'Socket') });
    streaming.send({ type: 'end' });
    await waitFor(() => gw.engine.stats().busyWorkers > 0, 5000, 'work in flight');

    const t0 = Date.now();
    const closed = gw.close();
    // New connections are refused at once.
    await expect(fetch(`${gw.url}/api/health`)).rejects.toThrow();

    const done = await generate;
    expect(done.status).toBe(200);
    expect((JSON.parse(done.text) as { duration: number }).duration).toBeGreaterThan(5);
    // A request on the kept-alive connection while draining: 503 {detail}, Retry-After, close.
    const late = await request(`${gw.url}/api/health`, agent);
    expect(late.status).toBe(503);
    expect(late.headers['retry-after']).toBe('5');
    expect(late.headers.connection).toBe('close');
    expect(JSON.parse(late.text)).toEqual({
      detail: 'The server is shutting down; retry against another instance.',
    });

    const events = await sse;
    expect(events.match(/event: audio/g)).toHaveLength(8);
    expect(events).toContain('event: done');
    expect(await streaming.closed).toBe(1000);
    expect(streaming.types().filter((t) => t === 'audio')).toHaveLength(8);
    expect(streaming.types()).toContain('done');
    expect(await idle.closed).toBe(1001);

    await closed;
    expect(Date.now() - t0).toBeLessThan(20_000);
    agent.destroy();
  });

  it('closes what is still running at the deadline without taking the process down', async () => {
    const gw = await startTestGateway({
      KITTENTTS_SHUTDOWN_TIMEOUT_S: '0.3',
      KITTENTTS_WORKERS: '1',
    });
    await postJson(`${gw.url}/api/generate`, { text: 'Warm up.' });
    const c = wsClient(gw.url);
    await c.until(() => c.types().includes('ready'));
    c.send({ type: 'text', text: sentences(40) });
    await c.until(() => c.binary.length >= 1);
    const t0 = Date.now();
    await gw.close();
    const tookMs = Date.now() - t0;
    expect(tookMs).toBeGreaterThanOrEqual(300);
    expect(tookMs).toBeLessThan(10_000);
    expect(await c.closed).toBe(1001);
    // Far fewer than the 40 sentences were spoken: the rest was dropped at the deadline.
    expect(c.types().filter((t) => t === 'audio').length).toBeLessThan(40);
  });

  it('answers a request still waiting for chunks at the deadline with a complete 503 {detail}', async () => {
    const gw = await startTestGateway({
      KITTENTTS_SHUTDOWN_TIMEOUT_S: '0.3',
      KITTENTTS_WORKERS: '1',
    });
    await postJson(`${gw.url}/api/generate`, { text: 'Warm up.' });
    const long = postJson(`${gw.url}/api/generate`, { text: sentences(200), speed: 0.5 });
    await waitFor(() => gw.engine.stats().busyWorkers === 1, 5000, 'a busy worker');
    const closing = gw.close();
    const res = await long;
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(((await res.json()) as { detail: string }).detail).toMatch(/shutting down/);
    await closing;
  });

  it('exits 0 on SIGTERM after finishing a synthesis in flight', async () => {
    const { child, url, exited, stderr } = await startGatewayProcess({
      HF_HUB_OFFLINE: '1',
      KITTENTTS_CACHE_DIR: path.resolve('.standin', 'cache-shutdown'),
      KITTENTTS_MODEL_DIRS: `kitten-tts-nano=${TINY_DIR}`,
      KITTENTTS_WORKERS: '1',
    });
    expect((await postJson(`${url}/api/generate`, { text: 'Warm up.' })).status).toBe(200);
    const inFlight = postJson(`${url}/api/generate`, { text: sentences(20) });
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { duration: number }).duration).toBeGreaterThan(5);
    expect(await exited).toBe(0);
    // A worker killed inside onnxruntime aborts the process with this line and code 134.
    expect(stderr()).not.toMatch(/terminate called/);
  });
});
