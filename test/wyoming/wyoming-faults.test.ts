// Failures behind the Wyoming door: a worker that dies mid-answer fails only its sentence (an
// `error` between the audio chunks, the rest still comes), and a client that vanishes mid-answer
// leaves no work behind. Real gateway, real worker threads, real TCP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_MARKERS } from '../../src/engine/protocol.js';
import { sentences, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { postJson } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';
import { wyomingClient } from '../helpers/wyoming-client.js';

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

  it('drops the rest of an answer whose client vanished', async () => {
    const dispatched: string[] = [];
    gw.engine.scheduler.onDispatch = (info) => dispatched.push(info.job.group);
    const c = await wyomingClient(gw.wyomingPort!);
    c.send('synthesize', { text: sentences(12, 'Dropped') });
    await c.until('audio-chunk');
    c.close();
    // Once the server has seen the connection go, no chunk of that answer is started any more.
    await waitFor(() => gw.engine.stats().busyWorkers === 0);
    for (let open = 1; open > 0;) {
      const metrics = await (await fetch(`${gw.url}/metrics`)).text();
      open = Number(/^kittentts_wyoming_connections (\d+)$/m.exec(metrics)?.[1]);
    }
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
