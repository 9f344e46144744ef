// Wyoming and WebSocket sessions on the one deadline scheduler, on one worker so the order is the
// scheduler's alone. Order, never time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DispatchInfo } from '../../src/engine/scheduler.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { postJson } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';
import { wsClient } from '../helpers/ws-client.js';
import { wyomingClient } from '../helpers/wyoming-client.js';

let gw: TestGateway;
let dispatched: DispatchInfo[] = [];
beforeAll(async () => {
  gw = await startTestGateway({ KITTENTTS_WORKERS: '1', KITTENTTS_WYOMING_PORT: '0' });
  gw.engine.scheduler.onDispatch = (info) => dispatched.push(info);
});
afterAll(async () => {
  await gw?.cleanup();
});

describe('Wyoming and WebSocket sessions on one scheduler', () => {
  it('serves a Wyoming turn that starts after a WebSocket turn ahead of that turn’s later sentences', async () => {
    expect((await postJson(`${gw.url}/api/generate`, { text: 'Warm up.' })).status).toBe(200);
    const ws = wsClient(gw.url, 'format=pcm&first_chunk=sentence');
    const wsSession = String((await ws.ready).session_id);
    const wy = await wyomingClient(gw.wyomingPort!);
    wy.send('synthesize-start', { voice: { name: 'Hugo' } });
    wy.send('ping');
    await wy.until('pong'); // the stream is open
    // A long one-shot holds the only worker while both turns queue up behind it.
    const long = 'This long request is cut into chunks that each hold the worker a while. '.repeat(
      24,
    );
    const oneshot = postJson(`${gw.url}/api/generate`, { text: long, speed: 0.5 });
    await waitFor(() => dispatched.length > 0);
    dispatched = [];
    const queuedBefore = gw.engine.stats().queued;
    // The WebSocket turn: its first two sentences go to the scheduler at once (two in flight).
    ws.send({
      type: 'text',
      text: 'The WebSocket turn begins with this sentence. Its second sentence follows. A third one. And a fourth.',
    });
    ws.send({ type: 'flush' });
    await waitFor(() => gw.engine.stats().queued >= queuedBefore + 2);
    // Then the Wyoming turn's first sentence, due at once like the WebSocket turn's first (a
    // sentence is complete once the text after it begins).
    wy.send('synthesize-chunk', { text: 'Home Assistant speaks now. Then' });
    await wy.until('audio-chunk');
    await waitFor(() => ws.binary.length >= 4);
    expect((await oneshot).status).toBe(200);
    wy.send('synthesize-chunk', { text: ' it stops.' });
    wy.send('synthesize-stop');
    await wy.until('synthesize-stopped');
    const turns = dispatched
      .filter((d) => d.job.kind === 'realtime')
      .map((d) => (d.job.group === wsSession ? 'ws' : 'wyoming'));
    // One scheduler, earliest deadline first: the Wyoming sentence (due now) runs before the
    // WebSocket turn's second sentence (due when the first one's audio runs out), though that
    // one was queued first; a queue of its own, or first-come order, would give ws, ws, wyoming.
    expect(turns.slice(0, 3)).toEqual(['ws', 'wyoming', 'ws']);
    expect(turns.filter((t) => t === 'ws')).toHaveLength(4);
    expect(turns.filter((t) => t === 'wyoming')).toHaveLength(2);
    ws.ws.close();
    wy.close();
    await ws.closed;
  });
});
