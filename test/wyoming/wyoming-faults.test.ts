// Failures behind the Wyoming door: a worker that dies mid-answer fails only its sentence (an
// `error` between the audio chunks, the rest still comes), and a client that vanishes mid-answer
// leaves no work behind. Real gateway, real worker threads, real TCP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_MARKERS } from '../../src/engine/protocol.js';
import { sentences, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { postJson } from '../helpers/http.js';
import { waitFor, waitForAsync } from '../helpers/wait.js';
import { wyomingClient, wyomingConnections } from '../helpers/wyoming-client.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ KITTENTTS_WYOMING_PORT: '0' }, { faultInjection: true });
  expect((await postJson(`${gw.url}/api/generate`, { text: 'Warm up both.' })).status).toBe(200);
});
afterAll(async () => {
  await gw?.cleanup();
});

describe('Wyoming door faults', () => {
  it('answers a sentence whose worker died with error between the audio chunks, and the rest still comes', async () => {
    const c = await wyomingClient(gw.wyomingPort!);
    c.send('synthesize', {
      text: `First is fine. Second ${FAULT_MARKERS.exit} dies. Third is fine too.`,
    });
    const events = await c.until('audio-stop');
    expect(events.map((e) => e.type)).toEqual([
      'audio-start',
      'audio-chunk',
      'error',
      'audio-chunk',
      'audio-stop',
    ]);
    expect(String(events[2]!.data.text)).toMatch(/inference worker crashed/);
    c.send('synthesize', { text: 'And now it works again.' });
    expect((await c.until('audio-stop')).map((e) => e.type)).not.toContain('error');
    c.close();
  });

  it('ends the connection after the error when the only sentence of a synthesize fails', async () => {
    const c = await wyomingClient(gw.wyomingPort!);
    c.send('synthesize', { text: `Only ${FAULT_MARKERS.exit} dies.` });
    await c.ended;
    expect(c.events.map((e) => e.type)).toEqual(['error']);
    expect(String(c.events[0]!.data.text)).toMatch(/inference worker crashed/);
  });

  it('drops the rest of an answer whose client vanished', async () => {
    const dispatched: string[] = [];
    gw.engine.scheduler.onDispatch = (info) => dispatched.push(info.job.group);
    const c = await wyomingClient(gw.wyomingPort!);
    c.send('synthesize', { text: sentences(12, 'Dropped') });
    await c.until('audio-chunk');
    c.close();
    // Once the server has seen the connection go, no chunk of that answer is started any more.
    await waitFor(() => gw.engine.stats().busyWorkers === 0);
    await waitForAsync(async () => (await wyomingConnections(gw.url)) === 0);
    const dropped = dispatched[0]!;
    const startedBeforeClose = dispatched.length;
    expect(startedBeforeClose).toBeLessThan(12);
    const next = await wyomingClient(gw.wyomingPort!);
    next.send('synthesize', { text: 'Still serving.' });
    expect((await next.until('audio-stop')).map((e) => e.type)).toEqual([
      'audio-start',
      'audio-chunk',
      'audio-stop',
    ]);
    await waitFor(() => gw.engine.stats().busyWorkers === 0 && gw.engine.stats().queued === 0);
    expect(dispatched.filter((g) => g === dropped)).toHaveLength(
      dispatched.slice(0, startedBeforeClose).filter((g) => g === dropped).length,
    );
    expect(dispatched.slice(startedBeforeClose).filter((g) => g !== dropped)).toHaveLength(1);
    gw.engine.scheduler.onDispatch = undefined;
    next.close();
  });
});

describe('a Wyoming client gone while the model loads', () => {
  it('starts no synthesis for a synthesize whose client left before the model was ready', async () => {
    const fresh = await startTestGateway({ KITTENTTS_WYOMING_PORT: '0' });
    try {
      // The model load is held until the client has gone.
      let release = () => undefined as void;
      const gate = new Promise<void>((r) => (release = r));
      const load = fresh.engine.ensureModel.bind(fresh.engine);
      let loads = 0;
      fresh.engine.ensureModel = async (id) => {
        loads++;
        await gate;
        return load(id);
      };
      const dispatched: string[] = [];
      fresh.engine.scheduler.onDispatch = (info) => {
        if (info.job.group !== 'load') dispatched.push(info.job.group);
      };
      const c = await wyomingClient(fresh.wyomingPort!);
      c.send('synthesize', { text: 'Nobody is listening any more.' });
      await waitFor(() => loads === 1);
      c.socket.resetAndDestroy();
      await waitForAsync(async () => (await wyomingConnections(fresh.url)) === 0);
      release();
      // The next request's one chunk is the only synthesis the scheduler ever starts.
      expect((await postJson(`${fresh.url}/api/generate`, { text: 'Hi.' })).status).toBe(200);
      expect(dispatched).toHaveLength(1);
      expect(c.events).toEqual([]);
    } finally {
      await fresh.cleanup();
    }
  });
});
