// The deadline scheduler seen from the doors, on one worker so the order is the scheduler's alone:
// a WebSocket turn that starts while a long one-shot runs is served before the one-shot's later
// chunks, and streamed audio still joins to exactly the one-piece samples. Order, never time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DispatchInfo } from '../../src/engine/scheduler.js';
import { parseWav, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { postJson } from '../helpers/http.js';
import { waitForAsync } from '../helpers/wait.js';
import { wsClient } from '../helpers/ws-client.js';

let gw: TestGateway;
let dispatched: DispatchInfo[] = [];
beforeAll(async () => {
  gw = await startTestGateway({ KITTENTTS_WORKERS: '1' });
  gw.engine.scheduler.onDispatch = (info) => dispatched.push(info);
});
afterAll(async () => {
  await gw?.cleanup();
});

async function generate(text: string): Promise<Int16Array> {
  const res = await postJson(`${gw.url}/api/generate`, { text });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { audio_base64: string };
  return parseWav(Buffer.from(body.audio_base64, 'base64')).samples;
}

const untilTrue = async (pred: () => boolean) => {
  for (let i = 0; i < 2000 && !pred(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(pred()).toBe(true);
};

describe('the deadline scheduler behind the doors', () => {
  it('serves a WebSocket turn that starts during a long one-shot before the one-shot’s later chunks', async () => {
    await generate('Warm up.');
    const c = wsClient(gw.url, 'format=pcm');
    await c.ready;
    dispatched = [];
    // Twelve model chunks at half speed: each holds the single worker for a while.
    const long =
      'This long request is cut into chunks that each hold the worker for a while. '.repeat(48);
    const oneshot = postJson(`${gw.url}/api/generate`, { text: long, speed: 0.5 });
    await untilTrue(() => dispatched.length > 0); // the one-shot's first chunk is running
    c.send({ type: 'text', text: 'Hello there, this is the voice agent.' });
    c.send({ type: 'flush' });
    expect((await oneshot).status).toBe(200);
    await untilTrue(() => c.binary.length > 0);
    const kinds = dispatched.map((d) => d.job.kind);
    const oneshots = kinds.filter((k) => k === 'oneshot').length;
    expect(oneshots).toBeGreaterThanOrEqual(12);
    // Before it: at most the chunk that was running and one that was already chosen.
    expect(kinds.indexOf('realtime')).toBeLessThanOrEqual(2);
    c.ws.close();
    await c.closed;
  });

  it('streams a turn whose chunks join to exactly the samples of the same text in one piece', async () => {
    const sentences = [
      'The first sentence is here.',
      'A second one follows it.',
      'And the third one ends the turn.',
    ];
    const c = wsClient(gw.url, 'format=pcm');
    await c.ready;
    for (const s of sentences) c.send({ type: 'text', text: `${s} ` });
    c.send({ type: 'end' });
    await c.closed;
    const streamed = Buffer.concat(c.binary);
    const whole = await generate(sentences.join(' '));
    expect(c.json.filter((m) => m.type === 'audio').map((m) => m.text)).toEqual(sentences);
    expect(streamed.equals(Buffer.from(whole.buffer, whole.byteOffset, whole.byteLength))).toBe(
      true,
    );
  });

  it('accepts playback reports and refuses malformed ones with a clear error', async () => {
    const c = wsClient(gw.url, 'format=pcm');
    await c.ready;
    c.send({ type: 'text', text: 'Hello there. ' });
    c.send({ type: 'playback', played_s: 0.25 });
    c.send({ type: 'playback', played_s: -1 });
    c.send({ type: 'end' });
    await c.closed;
    const errors = c.json.filter((m) => m.type === 'error');
    expect(errors).toHaveLength(1);
    expect(String(errors[0]!.detail)).toMatch(/played_s/);
    expect(c.json.filter((m) => m.type === 'audio')).toHaveLength(1);
  });
});

describe('admission of real-time sessions', () => {
  let capped: TestGateway;
  beforeAll(async () => {
    capped = await startTestGateway({
      KITTENTTS_WORKERS: '1',
      KITTENTTS_MAX_REALTIME_SESSIONS: '1',
    });
  });
  afterAll(async () => {
    await capped?.cleanup();
  });

  it('refuses a session past the real-time cap with 429 and Retry-After on every streaming door, and admits again once one ends', async () => {
    const first = wsClient(capped.url);
    await first.ready;
    const ws = wsClient(capped.url);
    await ws.closed;
    expect(ws.rejectedWith).toBe(429);
    // A REST session takes its slot for each chunk call (README "Limits"), not when it starts.
    const start = await fetch(`${capped.url}/api/stream/start`, { method: 'POST' });
    expect(start.status).toBe(200);
    const { session_id } = (await start.json()) as { session_id: string };
    const chunk = () =>
      postJson(`${capped.url}/api/stream/chunk?session_id=${session_id}`, {
        text: 'Hello.',
        flush: true,
      });
    const rest = await chunk();
    expect(rest.status).toBe(429);
    expect(Number(rest.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await rest.json()) as { detail: string }).detail).toMatch(
      /real-time capacity \(1 live/,
    );
    first.ws.close();
    await first.closed;
    await waitForAsync(async () => (await chunk()).status === 200);
    await fetch(`${capped.url}/api/stream/end/${session_id}`, { method: 'DELETE' });
  });
});
