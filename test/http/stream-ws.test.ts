import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseWav, startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.cleanup();
});

interface Received {
  json: Array<Record<string, unknown>>;
  binary: Buffer[];
}

/** A ws client that records every message and lets the test wait for a predicate. */
function connect(query = '') {
  const ws = new WebSocket(`${gw.url.replace('http', 'ws')}/api/stream/ws${query}`);
  const got: Received = { json: [], binary: [] };
  const waiters: Array<() => void> = [];
  ws.on('message', (data, isBinary) => {
    if (isBinary) got.binary.push(data as Buffer);
    else got.json.push(JSON.parse(String(data)));
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  const until = async (pred: () => boolean, timeoutMs = 20_000) => {
    const t0 = Date.now();
    while (!pred()) {
      if (Date.now() - t0 > timeoutMs)
        throw new Error(`timed out; got ${JSON.stringify(got.json)}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 50);
      });
    }
  };
  const send = (msg: unknown) => ws.send(JSON.stringify(msg));
  const opened = new Promise<void>((r, j) => {
    ws.once('open', () => r());
    ws.once('error', j);
  });
  return { ws, got, until, send, closed, opened };
}

const types = (got: Received) => got.json.map((m) => m.type);

describe('WebSocket streaming', () => {
  it('announces the session, then sends audio for sentence 1 before sentence 2 is written', async () => {
    const c = connect('?voice=Jasper');
    await c.until(() => types(c.got).includes('ready'));
    expect(c.got.json[0]).toMatchObject({
      type: 'ready',
      voice: 'Jasper',
      model: 'kitten-tts-nano',
      sample_rate: 24000,
      format: 'wav',
    });
    expect(typeof c.got.json[0]!.session_id).toBe('string');
    c.send({ type: 'text', text: 'The first sentence is here. The' });
    await c.until(() => c.got.binary.length === 1);
    const audio = c.got.json.find((m) => m.type === 'audio')!;
    expect(audio).toMatchObject({
      seq: 0,
      text: 'The first sentence is here.',
      sample_rate: 24000,
      format: 'wav',
    });
    expect(audio.bytes).toBe(c.got.binary[0]!.length);
    expect(parseWav(c.got.binary[0]!).sampleRate).toBe(24000);
    c.send({ type: 'text', text: ' second one arrives later.' });
    c.send({ type: 'end' });
    await c.until(() => types(c.got).includes('done'));
    expect(await c.closed).toBe(1000);
    const seqs = c.got.json.filter((m) => m.type === 'audio').map((m) => m.seq);
    expect(seqs).toEqual([0, 1]);
  });

  it('flushes buffered text on request and says so', async () => {
    const c = connect('?format=pcm&encoding=json');
    await c.opened;
    c.send({ type: 'text', text: 'No terminator here' });
    c.send({ type: 'flush' });
    await c.until(() => types(c.got).includes('flushed'));
    const audio = c.got.json.find((m) => m.type === 'audio')!;
    expect(audio.format).toBe('pcm');
    expect(Buffer.from(audio.audio_base64 as string, 'base64').length).toBe(audio.bytes);
    expect(c.got.binary).toHaveLength(0);
    c.ws.close();
  });

  it('stops audio within one chunk on cancel', async () => {
    const c = connect();
    await c.opened;
    c.send({ type: 'text', text: 'Sentence number one. '.repeat(12) });
    await c.until(() => c.got.binary.length >= 1);
    c.send({ type: 'cancel' });
    await c.until(() => types(c.got).includes('cancelled'));
    const atCancel = c.got.binary.length;
    await new Promise((r) => setTimeout(r, 500));
    expect(c.got.binary.length).toBeLessThanOrEqual(atCancel + 1);
    expect(c.got.binary.length).toBeLessThan(12);
    c.ws.close();
  });

  it('keeps the socket open after a bad message and reports it', async () => {
    const c = connect();
    await c.opened;
    c.ws.send('not json');
    c.send({ type: 'dance' });
    c.send({ type: 'config', speed: 9 });
    c.ws.send(Buffer.from([1, 2, 3]));
    await c.until(() => c.got.json.filter((m) => m.type === 'error').length === 4);
    c.send({ type: 'config', voice: 'Luna', speed: 1.2 });
    await c.until(() => types(c.got).includes('configured'));
    expect(c.got.json.find((m) => m.type === 'configured')).toMatchObject({
      voice: 'Luna',
      speed: 1.2,
    });
    c.ws.close();
  });

  it('rejects a bad query with HTTP 400 before upgrading', async () => {
    const ws = new WebSocket(`${gw.url.replace('http', 'ws')}/api/stream/ws?speed=7`);
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve) => {
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
    });
    expect(status).toBe(400);
    expect(JSON.parse(body).detail).toMatch(/speed/);
  });
});

describe('WebSocket backpressure', () => {
  it('stops synthesizing for a client that never reads, within a bound', async () => {
    const synthesized = async () =>
      (await (await fetch(`${gw.url}/api/stats`)).json()).generation_stats.total_requests as number;
    const c = connect();
    await c.until(() => types(c.got).includes('ready'));
    // Stop reading: the kernel buffers fill, then ws's bufferedAmount grows past the high-water mark.
    (c.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const before = await synthesized();
    const sentences = 150;
    for (let i = 0; i < sentences; i += 15)
      c.send({ type: 'text', text: 'This sentence waits for a reader. '.repeat(15) });
    let last = -1;
    let now = await synthesized();
    for (let i = 0; i < 40 && now !== last; i++) {
      last = now;
      await new Promise((r) => setTimeout(r, 500));
      now = await synthesized();
    }
    // The session holds at most 4 results and the socket stops being fed at 512 KiB unsent; what
    // remains is what the kernel's socket buffers absorbed. Far fewer than the 150 pushed sentences.
    expect(now).toBe(last);
    expect(now - before).toBeLessThan(60);
    c.ws.terminate();
  });
});
