// The limits the HTTP doors have, at the Wyoming door: part size (KITTENTTS_MAX_BODY_BYTES),
// connections (KITTENTTS_MAX_SESSIONS), real-time capacity, the idle timeout; and the drain with
// the gateway on shutdown. Real gateways, real TCP.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentences, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor, waitForAsync } from '../helpers/wait.js';
import {
  wyomingClient,
  wyomingConnections,
  type WyomingClient,
} from '../helpers/wyoming-client.js';

const pingPong = async (c: WyomingClient) => {
  c.send('ping', { text: 'alive' });
  expect(await c.next()).toMatchObject({ type: 'pong', data: { text: 'alive' } });
};

describe('Wyoming door limits', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      KITTENTTS_WYOMING_PORT: '0',
      KITTENTTS_MAX_BODY_BYTES: '1024',
      KITTENTTS_MAX_SESSIONS: '2',
      KITTENTTS_MAX_REALTIME_SESSIONS: '1',
      KITTENTTS_MAX_TEXT_CHARS: '40',
    });
  });
  afterAll(async () => {
    await gw?.cleanup();
  });
  const connect = () => wyomingClient(gw.wyomingPort!);
  /** Until the server has seen the earlier tests' connections close. */
  const settled = () => waitForAsync(async () => (await wyomingConnections(gw.url)) === 0);

  it('serves a data part of exactly the limit and a text of exactly KITTENTTS_MAX_TEXT_CHARS, refuses one more', async () => {
    const c = await connect();
    const padded = (bytes: number) => {
      const data = { text: '' };
      data.text = 'x'.repeat(bytes - JSON.stringify(data).length);
      return data;
    };
    c.send('ping', padded(1024));
    expect((await c.next()).type).toBe('pong');
    c.send('ping', padded(1025));
    expect(String((await c.next()).data.text)).toMatch(/data_length of 1025 bytes/);
    const forty = 'Forty characters of text are fine here..';
    expect(forty).toHaveLength(40);
    c.send('synthesize', { text: forty });
    expect((await c.until('audio-stop')).map((e) => e.type)).toEqual([
      'audio-start',
      'audio-chunk',
      'audio-stop',
    ]);
    c.send('synthesize', { text: `${forty}!` });
    expect(await c.next()).toMatchObject({
      type: 'error',
      data: { text: 'synthesize: the text has 41 characters; the limit is 40.' },
    });
    c.close();
  });

  it('refuses a data_length or payload_length over the limit, skips those bytes and stays usable', async () => {
    const c = await connect();
    c.socket.write(`${JSON.stringify({ type: 'synthesize', data_length: 5000 })}\n`);
    const refused = await c.next();
    expect(refused.type).toBe('error');
    expect(refused.data.text).toBe(
      "Event 'synthesize' refused: its data_length of 5000 bytes is over the limit of 1024 bytes.",
    );
    c.socket.write(Buffer.alloc(5000, 0x7b)); // the declared bytes still come; they are dropped
    c.socket.write(`${JSON.stringify({ type: 'ping', payload_length: 1025 })}\n`);
    c.socket.write(Buffer.alloc(1025));
    expect(String((await c.next()).data.text)).toMatch(/payload_length of 1025 bytes/);
    await pingPong(c);
    c.close();
  });

  it('answers a header line over the limit with error and closes the connection', async () => {
    const c = await connect();
    c.socket.write(`{"type":"synthesize","data":{"text":"${'x'.repeat(2000)}"}}\n`);
    const ev = await c.next();
    expect(ev).toMatchObject({
      type: 'error',
      data: { text: 'Event header line longer than 1024 bytes.' },
    });
    await c.ended;
  });

  it('refuses a connection past KITTENTTS_MAX_SESSIONS with error, and serves again once one closes', async () => {
    const a = await connect();
    const b = await connect();
    await pingPong(a);
    await pingPong(b);
    const c = await connect();
    expect((await c.next()).data.text).toBe('Too many Wyoming connections (limit 2); retry later.');
    await c.ended;
    await pingPong(a); // the open ones are untouched
    b.close();
    // The server notices the close; then a new connection is served.
    for (let attempt = 1; ; attempt++) {
      const d = await connect();
      d.send('ping', { text: 'again' });
      const first = await d.next();
      d.close();
      if (first.type === 'pong') break;
      expect(first.data.text).toMatch(/Too many Wyoming connections/);
      expect(attempt).toBeLessThan(100);
      await new Promise((r) => setTimeout(r, 20));
    }
    a.close();
  });

  it('refuses a text stream past the real-time capacity with error and still ends it with synthesize-stopped', async () => {
    await settled();
    const a = await connect();
    a.send('synthesize-start');
    await pingPong(a); // the stream is open
    const b = await connect();
    b.send('synthesize-start');
    b.send('synthesize-chunk', { text: 'Hello there. ' });
    b.send('synthesize-stop');
    const refused = await b.until('synthesize-stopped');
    expect(refused.map((e) => e.type)).toEqual(['error', 'synthesize-stopped']);
    expect(String(refused[0]!.data.text)).toMatch(/real-time capacity/);
    a.send('synthesize-stop');
    await a.until('synthesize-stopped');
    // Capacity given back: the same connection now streams.
    b.send('synthesize-start');
    b.send('synthesize-chunk', { text: 'Hello there. ' });
    b.send('synthesize-stop');
    const served = await b.until('synthesize-stopped');
    expect(served.map((e) => e.type)).toEqual([
      'audio-start',
      'audio-chunk',
      'audio-stop',
      'synthesize-stopped',
    ]);
    a.close();
    b.close();
  });
});

describe('Wyoming door idle timeout', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ KITTENTTS_WYOMING_PORT: '0', KITTENTTS_SESSION_TTL_S: '1' });
  });
  afterAll(async () => {
    await gw?.cleanup();
  });

  it('tells a silent connection it is closing and closes it', async () => {
    const c = await wyomingClient(gw.wyomingPort!);
    expect(await c.next()).toMatchObject({
      type: 'error',
      data: { text: 'Idle for 1 s: closing.' },
    });
    await c.ended;
  });

  it('cuts off a client that stopped reading its audio, and cancels the rest of its synthesis', async () => {
    const dispatched: string[] = [];
    gw.engine.scheduler.onDispatch = (info) => dispatched.push(info.job.group);
    const c = await wyomingClient(gw.wyomingPort!);
    c.send('synthesize', { text: sentences(150, 'Unread') });
    c.socket.pause(); // reads nothing more: the audio piles up unsent
    // The server closes its side (a paused client sees that only once it reads again).
    await waitForAsync(async () => (await wyomingConnections(gw.url)) === 0);
    c.socket.resume();
    await c.ended;
    await waitFor(() => gw.engine.stats().busyWorkers === 0 && gw.engine.stats().queued === 0);
    gw.engine.scheduler.onDispatch = undefined;
    expect(dispatched.length).toBeGreaterThan(0);
    expect(dispatched.length).toBeLessThan(150);
    expect(c.events.map((e) => e.type)).not.toContain('audio-stop');
  });
});

describe('Wyoming door start-up', () => {
  it('refuses to start, saying why, when the Wyoming port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = String((blocker.address() as net.AddressInfo).port);
    try {
      await expect(startTestGateway({ KITTENTTS_WYOMING_PORT: port })).rejects.toThrow(
        /Cannot listen for Wyoming on 127\.0\.0\.1:\d+: the port is already in use/,
      );
    } finally {
      blocker.close();
    }
  });
});

describe('Wyoming door shutdown', () => {
  it('lets a synthesis in flight finish, then closes its connection and accepts no new ones', async () => {
    const gw = await startTestGateway({ KITTENTTS_WYOMING_PORT: '0' });
    const port = gw.wyomingPort!;
    const c = await wyomingClient(port);
    c.send('synthesize', { text: 'One sentence. Two sentences. Three sentences. Four.' });
    expect((await c.next()).type).toBe('audio-start');
    const closing = gw.cleanup();
    const rest = await c.until('audio-stop');
    expect(rest.filter((e) => e.type === 'audio-chunk')).toHaveLength(4);
    await c.ended;
    await closing;
    const refused = await new Promise<string>((resolve) => {
      const s = net.connect({ port, host: '127.0.0.1' });
      s.once('connect', () => resolve('connected'));
      s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });
});
