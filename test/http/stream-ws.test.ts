import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWav, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { wsClient } from '../helpers/ws-client.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.cleanup();
});

describe('WebSocket streaming', () => {
  it('announces the session, then sends audio for sentence 1 before sentence 2 is written', async () => {
    const c = wsClient(gw.url, '?voice=Jasper');
    await c.until(() => c.types().includes('ready'));
    expect(c.json[0]).toMatchObject({
      type: 'ready',
      voice: 'Jasper',
      model: 'kitten-tts-nano',
      sample_rate: 24000,
      format: 'wav',
    });
    expect(typeof c.json[0]!.session_id).toBe('string');
    c.send({ type: 'text', text: 'The first sentence is here. The' });
    await c.until(() => c.binary.length === 1);
    const audio = c.json.find((m) => m.type === 'audio')!;
    expect(audio).toMatchObject({
      seq: 0,
      text: 'The first sentence is here.',
      sample_rate: 24000,
      format: 'wav',
    });
    expect(audio.bytes).toBe(c.binary[0]!.length);
    expect(parseWav(c.binary[0]!).sampleRate).toBe(24000);
    c.send({ type: 'text', text: ' second one arrives later.' });
    c.send({ type: 'end' });
    await c.until(() => c.types().includes('done'));
    expect(await c.closed).toBe(1000);
    const seqs = c.json.filter((m) => m.type === 'audio').map((m) => m.seq);
    expect(seqs).toEqual([0, 1]);
  });

  it('flushes buffered text on request and says so', async () => {
    const c = wsClient(gw.url, '?format=pcm&encoding=json');
    expect(await c.upgrade).toBe(101);
    c.send({ type: 'text', text: 'No terminator here' });
    c.send({ type: 'flush' });
    await c.until(() => c.types().includes('flushed'));
    const audio = c.json.find((m) => m.type === 'audio')!;
    expect(audio.format).toBe('pcm');
    expect(Buffer.from(audio.audio_base64 as string, 'base64').length).toBe(audio.bytes);
    expect(c.binary).toHaveLength(0);
    c.ws.close();
  });

  it('stops audio within one chunk on cancel', async () => {
    const c = wsClient(gw.url);
    expect(await c.upgrade).toBe(101);
    c.send({ type: 'text', text: 'Sentence number one. '.repeat(12) });
    await c.until(() => c.binary.length >= 1);
    c.send({ type: 'cancel' });
    await c.until(() => c.types().includes('cancelled'));
    const atCancel = c.binary.length;
    await new Promise((r) => setTimeout(r, 500));
    expect(c.binary.length).toBeLessThanOrEqual(atCancel + 1);
    expect(c.binary.length).toBeLessThan(12);
    c.ws.close();
  });

  it('keeps the socket open after a bad message and reports it', async () => {
    const c = wsClient(gw.url);
    expect(await c.upgrade).toBe(101);
    c.ws.send('not json');
    c.send({ type: 'dance' });
    c.send({ type: 'config', speed: 9 });
    c.ws.send(Buffer.from([1, 2, 3]));
    await c.until(() => c.json.filter((m) => m.type === 'error').length === 4);
    c.send({ type: 'config', voice: 'Luna', speed: 1.2 });
    await c.until(() => c.types().includes('configured'));
    expect(c.json.find((m) => m.type === 'configured')).toMatchObject({
      voice: 'Luna',
      speed: 1.2,
    });
    c.ws.close();
  });

  it('rejects a bad query with HTTP 400 before upgrading', async () => {
    const c = wsClient(gw.url, '?speed=7');
    const status = await c.upgrade;
    const body = c.rejectedBody!;
    expect(status).toBe(400);
    expect(JSON.parse(body).detail).toMatch(/speed/);
  });
});

describe('WebSocket backpressure', () => {
  it('stops synthesizing for a client that never reads, within a bound', async () => {
    const synthesized = async () =>
      (await (await fetch(`${gw.url}/api/stats`)).json()).generation_stats.total_requests as number;
    const c = wsClient(gw.url);
    await c.until(() => c.types().includes('ready'));
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
