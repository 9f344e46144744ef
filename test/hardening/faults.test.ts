import {
  copyFileSync,
  mkdtempSync,
  rmSync,
  truncateSync,
  writeFileSync,
  readFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_MARKERS } from '../../src/engine/protocol.js';
import { sentences, startTestGateway, type TestGateway, TINY_DIR } from '../helpers/gateway.js';
import { postJson } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';
import { wsClient } from '../helpers/ws-client.js';

describe('worker faults', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({}, { faultInjection: true });
    expect((await postJson(`${gw.url}/api/generate`, { text: 'Warm up both.' })).status).toBe(200);
  });
  afterAll(async () => {
    await gw?.cleanup();
  });

  for (const [mode, marker] of Object.entries(FAULT_MARKERS)) {
    it(`fails only the request whose thread died (${mode}) with 500 {detail}, then serves the next`, async () => {
      const res = await postJson(`${gw.url}/api/generate`, {
        text: `Hello there ${marker} friend.`,
      });
      expect(res.status).toBe(500);
      const body = (await res.json()) as { detail: string };
      expect(Object.keys(body)).toEqual(['detail']);
      expect(body.detail).toMatch(/inference worker crashed/);
      const next = await postJson(`${gw.url}/api/generate`, { text: 'And now it works again.' });
      expect(next.status).toBe(200);
      expect(((await next.json()) as { duration: number }).duration).toBeGreaterThan(0);
    });
  }

  it('says degraded on /api/health while the dead worker is replaced, then healthy again', async () => {
    // An earlier drill's replacement may still be starting.
    await waitFor(() => gw.engine.stats().downWorkers === 0, 30_000, 'every worker up');
    // Health is polled back to back from before the crash until the replacement is up: the
    // replacement thread reloads its module (onnxruntime included), a window many polls long.
    const seen: string[] = [];
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const res = await fetch(`${gw.url}/api/health`);
        expect(res.status).toBe(200);
        const { status } = (await res.json()) as { status: string };
        if (seen.at(-1) !== status) seen.push(status);
      }
    })();
    await waitFor(() => seen.length > 0, 5000, 'first health answer');
    const struck = await postJson(`${gw.url}/api/generate`, {
      text: `Gone ${FAULT_MARKERS.exit} now.`,
    });
    expect(struck.status).toBe(500);
    await waitFor(() => seen.at(-1) === 'healthy' && seen.length > 1, 30_000, 'healthy again');
    polling = false;
    await poll;
    expect(seen).toEqual(['healthy', 'degraded', 'healthy']);
    expect(gw.engine.stats()).toMatchObject({ workers: 2, downWorkers: 0 });
    // The replacement serves: two sentences at once keep both workers busy, and both succeed.
    const both = await Promise.all(
      ['One is here.', 'Two is here.'].map((text) => postJson(`${gw.url}/api/generate`, { text })),
    );
    expect(both.map((r) => r.status)).toEqual([200, 200]);
  });

  it('keeps other sessions streaming while a worker dies, and the struck session moves on', async () => {
    const struck = wsClient(gw.url);
    const other = wsClient(gw.url);
    await struck.until(() => struck.types().includes('ready'));
    await other.until(() => other.types().includes('ready'));
    other.send({ type: 'text', text: sentences(12, 'Other') });
    other.send({ type: 'end' });
    await other.until(() => other.binary.length >= 1);
    // The struck session's second sentence kills its thread mid-task.
    struck.send({
      type: 'text',
      text: `First is fine. Second ${FAULT_MARKERS.exit} dies. Third is fine too.`,
    });
    struck.send({ type: 'end' });
    await struck.until(() => struck.types().includes('done'));
    const events = struck.json.filter((m) => m.type === 'audio' || m.type === 'error');
    expect(events.map((m) => [m.type, m.seq])).toEqual([
      ['audio', 0],
      ['error', 1],
      ['audio', 2],
    ]);
    expect(String(events[1]!.detail)).toMatch(/inference worker crashed/);
    expect(await struck.closed).toBe(1000);
    await other.until(() => other.types().includes('done'));
    expect(other.types().filter((t) => t === 'audio')).toHaveLength(12);
    expect(other.types()).not.toContain('error');
    expect((await fetch(`${gw.url}/api/health`)).status).toBe(200);
  });
});

describe('client that vanishes mid-stream', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
    await postJson(`${gw.url}/api/generate`, { text: 'Warm up.' });
  });
  afterAll(async () => {
    await gw?.cleanup();
  });

  const poolIdle = () => gw.engine.stats().busyWorkers === 0 && gw.engine.stats().queued === 0;

  it('frees its SSE work: the pool goes idle long before the text would have been spoken', async () => {
    const before = gw.engine.stats().completed;
    const ac = new AbortController();
    const res = await postJson(
      `${gw.url}/api/generate/stream`,
      { text: sentences(60) },
      { signal: ac.signal },
    );
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let seen = '';
    while (!seen.includes('event: audio'))
      seen += new TextDecoder().decode((await reader.read()).value);
    ac.abort();
    await waitFor(poolIdle, 5000, 'idle pool');
    await new Promise((r) => setTimeout(r, 300));
    expect(poolIdle()).toBe(true);
    // At most a handful of sentences ran: the one reading plus those in flight.
    expect(gw.engine.stats().completed - before).toBeLessThan(15);
  });

  it('frees its WebSocket work when the socket drops', async () => {
    const before = gw.engine.stats().completed;
    const c = wsClient(gw.url);
    await c.until(() => c.types().includes('ready'));
    c.send({ type: 'text', text: sentences(60) });
    await c.until(() => c.binary.length >= 1);
    c.ws.terminate();
    await waitFor(poolIdle, 5000, 'idle pool');
    await new Promise((r) => setTimeout(r, 300));
    expect(poolIdle()).toBe(true);
    expect(gw.engine.stats().completed - before).toBeLessThan(15);
  });
});

describe('corrupt model files', () => {
  let gw: TestGateway;
  let dir: string;
  const onnx = 'kitten_tts_nano_v0_8.onnx';
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kitten-corrupt-'));
    for (const f of ['config.json', 'voices.npz', onnx])
      copyFileSync(path.join(TINY_DIR, f), path.join(dir, f));
    truncateSync(path.join(dir, onnx), 1000);
    gw = await startTestGateway({ KITTENTTS_MODEL_DIRS: `kitten-tts-nano=${dir}` });
  });
  afterAll(async () => {
    await gw?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a truncated model with a clear 500 load error, and loads it once repaired', async () => {
    for (const route of ['/api/generate', '/api/generate/stream']) {
      const res = await postJson(`${gw.url}${route}`, { text: 'Hello there.' });
      expect(res.status).toBe(500);
      const body = (await res.json()) as { detail: string };
      expect(body.detail).toMatch(/Failed to load model 'kitten-tts-nano'/);
    }
    // A WebSocket fails once, before `ready`: one error naming the model, then close 1011.
    const ws = wsClient(gw.url);
    await ws.closed;
    expect(ws.closeCode).toBe(1011);
    expect(ws.types()).toEqual(['error']);
    expect(
      ((await (await fetch(`${gw.url}/api/health`)).json()) as { loaded_models: string[] })
        .loaded_models,
    ).toEqual([]);
    // Garbage of the right size is no better than a short file.
    writeFileSync(
      path.join(dir, onnx),
      Buffer.alloc(readFileSync(path.join(TINY_DIR, onnx)).length, 7),
    );
    expect((await postJson(`${gw.url}/api/generate`, { text: 'Hello there.' })).status).toBe(500);
    // No poisoned cache: the repaired file is loaded on the next request.
    copyFileSync(path.join(TINY_DIR, onnx), path.join(dir, onnx));
    const ok = await postJson(`${gw.url}/api/generate`, { text: 'Hello there.' });
    expect(ok.status).toBe(200);
  });
});
