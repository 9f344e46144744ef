import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentences, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { postJson } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';
import { wsClient } from '../helpers/ws-client.js';

/** A JSON body for /api/generate padded with spaces to exactly `bytes` bytes. */
function paddedBody(bytes: number): string {
  const core = JSON.stringify({ text: 'Hi.' });
  return core.slice(0, -1) + ' '.repeat(bytes - core.length) + '}';
}

async function detailOf(res: Response): Promise<string> {
  const body = (await res.json()) as { detail?: unknown };
  expect(typeof body.detail).toBe('string');
  return body.detail as string;
}

describe('request limits', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      KITTENTTS_MAX_BODY_BYTES: '2048',
      KITTENTTS_MAX_TEXT_CHARS: '50',
      KITTENTTS_MAX_SESSIONS: '2',
      KITTENTTS_MAX_BUFFERED_CHARS: '60',
      KITTENTTS_SESSION_TTL_S: '1',
      KITTENTTS_WS_MAX_MESSAGE_BYTES: '256',
      KITTENTTS_WS_MAX_MESSAGES_PER_S: '5',
    });
  });
  afterAll(async () => {
    await gw?.cleanup();
  });

  it('accepts a body of exactly max body bytes and answers one byte more with 413', async () => {
    expect((await postJson(`${gw.url}/api/generate`, paddedBody(2048))).status).toBe(200);
    const res = await postJson(`${gw.url}/api/generate`, paddedBody(2049));
    expect(res.status).toBe(413);
    expect(await detailOf(res)).toMatch(/larger than 2048 bytes/);
  });

  it('accepts text of exactly max text chars on every route and refuses one more with 400', async () => {
    const at = 'A'.repeat(49) + '.';
    const over = 'A'.repeat(50) + '.';
    for (const route of ['/api/generate', '/api/generate/stream']) {
      const ok = await postJson(`${gw.url}${route}`, { text: at });
      expect(ok.status, route).toBe(200);
      await ok.arrayBuffer();
      const res = await postJson(`${gw.url}${route}`, { text: over });
      expect(res.status, route).toBe(400);
      expect(await detailOf(res)).toMatch(/text: is too long \(more than 50 characters\)/);
    }
    const speech = (input: string) =>
      postJson(`${gw.url}/v1/audio/speech`, {
        model: 'tts-1',
        voice: 'alloy',
        input,
        response_format: 'wav',
      });
    const ok = await speech(at);
    expect(ok.status).toBe(200);
    await ok.arrayBuffer();
    const res = await speech(over);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /at most 50 characters/,
    );

    const { session_id } = (await (
      await fetch(`${gw.url}/api/stream/start`, { method: 'POST' })
    ).json()) as { session_id: string };
    const chunk = (text: string) =>
      postJson(`${gw.url}/api/stream/chunk?session_id=${session_id}`, { text, flush: true });
    expect((await chunk(at)).status).toBe(200);
    expect((await chunk(over)).status).toBe(400);
    await fetch(`${gw.url}/api/stream/end/${session_id}`, { method: 'DELETE' });

    const c = wsClient(gw.url);
    await c.until(() => c.types().includes('ready'));
    c.send({ type: 'text', text: at });
    c.send({ type: 'flush' });
    await c.until(() => c.types().includes('flushed'));
    expect(c.types()).not.toContain('error');
    c.send({ type: 'text', text: over });
    await c.until(() => c.types().includes('error'));
    expect(String(c.json.find((m) => m.type === 'error')!.detail)).toMatch(/too long/);
    c.ws.close();
    await c.closed;
  });

  it('buffers exactly max buffered chars of unfinished text and refuses one more with 400', async () => {
    const { session_id } = (await (
      await fetch(`${gw.url}/api/stream/start`, { method: 'POST' })
    ).json()) as { session_id: string };
    const chunk = (text: string) =>
      postJson(`${gw.url}/api/stream/chunk?session_id=${session_id}`, { text });
    expect((await chunk('a'.repeat(50))).status).toBe(200);
    const full = await chunk('a'.repeat(10));
    expect(full.status).toBe(200);
    expect(((await full.json()) as { buffered_text: string }).buffered_text).toHaveLength(60);
    const res = await chunk('a');
    expect(res.status).toBe(400);
    expect(await detailOf(res)).toMatch(/60/);
    await fetch(`${gw.url}/api/stream/end/${session_id}`, { method: 'DELETE' });
  });

  it('opens max sessions and refuses the next with 429 and Retry-After, on REST and WebSocket', async () => {
    const start = () => fetch(`${gw.url}/api/stream/start`, { method: 'POST' });
    const a = (await (await start()).json()) as { session_id: string };
    const b = await start();
    expect(b.status).toBe(200);
    const refused = await start();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await detailOf(refused)).toMatch(/Too many streaming sessions are open \(limit 2\)/);
    const c = wsClient(gw.url);
    await c.closed;
    expect(c.rejectedWith).toBe(429);
    await fetch(`${gw.url}/api/stream/end/${a.session_id}`, { method: 'DELETE' });
    expect((await start()).status).toBe(200);
  });

  it('keeps a session used within its idle timeout and forgets it after', async () => {
    // The cap of 2 is still taken by the previous test's sessions until they expire.
    await new Promise((r) => setTimeout(r, 1100));
    const { session_id } = (await (
      await fetch(`${gw.url}/api/stream/start`, { method: 'POST' })
    ).json()) as { session_id: string };
    const chunk = () =>
      postJson(`${gw.url}/api/stream/chunk?session_id=${session_id}`, { text: 'x' });
    await new Promise((r) => setTimeout(r, 600));
    expect((await chunk()).status).toBe(200);
    await new Promise((r) => setTimeout(r, 600));
    expect((await chunk()).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1300));
    const res = await chunk();
    expect(res.status).toBe(404);
    expect(await detailOf(res)).toMatch(/not found \(it may have expired\)/);
  });

  it('keeps a WebSocket that talks within the idle timeout and closes a silent one after it', async () => {
    const active = wsClient(gw.url);
    const silent = wsClient(gw.url);
    await active.until(() => active.types().includes('ready'));
    await silent.until(() => silent.types().includes('ready'));
    const t0 = Date.now();
    const talker = setInterval(() => active.send({ type: 'config', speed: 1 }), 400);
    expect(await silent.closed).toBe(1000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(silent.json.at(-1)).toEqual({ type: 'error', detail: 'Idle for 1 s: closing.' });
    await new Promise((r) => setTimeout(r, 1200));
    clearInterval(talker);
    expect(active.closeCode).toBeUndefined();
    active.ws.close();
    await active.closed;
  });

  it('takes a WebSocket message of exactly max bytes and closes with 1009 on one byte more', async () => {
    const message = (bytes: number) => {
      const core = JSON.stringify({ type: 'text', text: '' });
      return core.replace('""', `"${'b'.repeat(bytes - core.length)}"`);
    };
    const c = wsClient(gw.url);
    await c.until(() => c.types().includes('ready'));
    expect(Buffer.byteLength(message(256))).toBe(256);
    c.send(message(256));
    c.send({ type: 'cancel' });
    await c.until(() => c.types().includes('cancelled'));
    c.send(message(257));
    expect(await c.closed).toBe(1009);
  });

  it('answers the message after max per second with an error and closes a flood with 1008', async () => {
    const c = wsClient(gw.url);
    await c.until(() => c.types().includes('ready'));
    for (let i = 0; i < 5; i++) c.send({ type: 'config', speed: 1 });
    await c.until(() => c.types().filter((t) => t === 'configured').length === 5);
    expect(c.types()).not.toContain('error');
    c.send({ type: 'config', speed: 1 });
    await c.until(() => c.types().includes('error'));
    expect(String(c.json.find((m) => m.type === 'error')!.detail)).toMatch(/at most 5 per second/);
    for (let i = 0; i < 10; i++) c.send({ type: 'config', speed: 1 });
    expect(await c.closed).toBe(1008);
  });
});

describe('what error messages repeat of the input', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw?.cleanup();
  });

  it('quotes at most about 200 characters of a long session id or of unknown field names', async () => {
    const id = 'x'.repeat(5000);
    const missing = await postJson(`${gw.url}/api/stream/chunk?session_id=${id}`, { text: 'Hi.' });
    expect(missing.status).toBe(404);
    const detail = await detailOf(missing);
    expect(detail.length).toBeLessThan(300);
    expect(detail).toMatch(/5000 characters/);
    const fields = Object.fromEntries(
      Array.from({ length: 20_000 }, (_, i) => [`field_${i}_${'y'.repeat(30)}`, 1]),
    );
    const unknown = await postJson(`${gw.url}/api/generate`, { text: 'Hi.', ...fields });
    expect(unknown.status).toBe(400);
    expect((await detailOf(unknown)).length).toBeLessThan(300);
  });

  it('refuses a text/plain body with 415, as a cross-site form would send it', async () => {
    for (const type of ['text/plain', 'text/plain;charset=UTF-8']) {
      const res = await fetch(`${gw.url}/api/generate`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: '{"text":"Hi."}',
      });
      expect(res.status).toBe(415);
      expect(await detailOf(res)).toMatch(/application\/json/);
    }
  });

  it('reads a query speed only as a decimal number', async () => {
    for (const bad of ['0x2', '%201%20', '', '1e', 'Infinity']) {
      const res = await fetch(`${gw.url}/api/stream/start?speed=${bad}`, { method: 'POST' });
      expect(res.status, `speed=${bad}`).toBe(400);
      expect(await detailOf(res)).toMatch(/speed: must be a (finite )?number/);
    }
    for (const good of ['1', '0.8', '.5', '1.25e0']) {
      const res = await fetch(`${gw.url}/api/stream/start?speed=${good}`, { method: 'POST' });
      expect(res.status, `speed=${good}`).toBe(200);
      const { session_id } = (await res.json()) as { session_id: string };
      await fetch(`${gw.url}/api/stream/end/${session_id}`, { method: 'DELETE' });
    }
  });
});

describe('synthesis queue limit', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ KITTENTTS_WORKERS: '1', KITTENTTS_MAX_QUEUE: '1' });
    await postJson(`${gw.url}/api/generate`, { text: 'Warm up.' });
  });
  afterAll(async () => {
    await gw?.cleanup();
  });

  it('queues max queue syntheses behind a running one and refuses the next with 429 and Retry-After', async () => {
    const running = postJson(`${gw.url}/api/generate`, { text: sentences(25) });
    await waitFor(() => gw.engine.stats().busyWorkers === 1, 5000, 'a busy worker');
    const queued = postJson(`${gw.url}/api/generate`, { text: 'I wait my turn.' });
    await waitFor(() => gw.engine.stats().queued === 1, 5000, 'a queued task');
    const refused = await postJson(`${gw.url}/api/generate`, { text: 'No room for me.' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await detailOf(refused)).toMatch(/busy \(1 syntheses queued\)/);
    // The one-shot SSE door says so before its first byte, not as a 200 with error events.
    const sse = await postJson(`${gw.url}/api/generate/stream`, { text: 'No room for me either.' });
    expect(sse.status).toBe(429);
    expect(sse.headers.get('retry-after')).toBe('1');
    expect(sse.headers.get('content-type')).toMatch(/application\/json/);
    expect(await detailOf(sse)).toMatch(/busy/);
    expect((await running).status).toBe(200);
    expect((await queued).status).toBe(200);
  });
});

describe('timeouts and origins', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      KITTENTTS_HEADERS_TIMEOUT_S: '0.5',
      KITTENTTS_REQUEST_TIMEOUT_S: '1',
      KITTENTTS_CORS_ORIGINS: 'http://app.example',
    });
  });
  afterAll(async () => {
    await gw?.cleanup();
  });

  /** Sends `head` (and nothing more) on a raw socket; resolves with what came back when it closed. */
  function stall(head: string): Promise<{ reply: string; ms: number }> {
    const { port } = new URL(gw.url);
    return new Promise((resolve, reject) => {
      const t0 = Date.now();
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(head));
      let reply = '';
      socket.on('data', (d) => (reply += String(d)));
      socket.on('error', reject);
      socket.on('close', () => resolve({ reply, ms: Date.now() - t0 }));
      setTimeout(
        () => socket.destroy(new Error('the server kept the stalled socket open')),
        15_000,
      ).unref();
    });
  }

  it('answers a body that never ends with 408 and frees the socket', async () => {
    const { reply } = await stall(
      'POST /api/generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"text":',
    );
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes a connection whose headers never end', async () => {
    const { reply } = await stall('GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    expect(reply === '' || /^HTTP\/1\.1 408/.test(reply)).toBe(true);
  });

  it('refuses a WebSocket from an origin outside the allowed list with 403, and admits an allowed one', async () => {
    const hostile = wsClient(gw.url, { ws: { origin: 'http://evil.example' } });
    expect(await hostile.upgrade).toBe(403);
    const friendly = wsClient(gw.url, { ws: { origin: 'http://app.example' } });
    expect(await friendly.upgrade, 'allowed origin refused').toBe(101);
    friendly.ws.close();
  });
});

describe('a client that drops mid-body', () => {
  const logged: Array<[string, string]> = [];
  let gw: TestGateway;
  beforeAll(async () => {
    const at = (level: string) => (msg: string) => void logged.push([level, msg]);
    gw = await startTestGateway(
      {},
      { log: { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') } },
    );
  });
  afterAll(async () => {
    await gw?.cleanup();
  });

  it('is logged at debug level, not as an error', async () => {
    const { port } = new URL(gw.url);
    await new Promise<void>((resolve) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => {
        socket.write(
          'POST /api/generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"text":',
        );
        setTimeout(() => socket.destroy(), 100);
      });
      socket.on('close', () => resolve());
    });
    await waitFor(() => logged.some(([level]) => level === 'debug'), 5000, 'a debug line');
    expect(logged.filter(([level]) => level === 'error' || level === 'warn')).toEqual([]);
    expect(logged.find(([level]) => level === 'debug')![1]).toMatch(/client closed/);
  });
});
