// Turn-level admission on a real server with a capacity of one active turn: a second live session's
// turn waits in line and says so, and starts once the first turn's audio is all out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentences, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { postJson } from '../helpers/http.js';
import { wsClient, type WsClient } from '../helpers/ws-client.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    KITTENTTS_MAX_ACTIVE_TURNS: '1',
    KITTENTTS_MAX_REALTIME_SESSIONS: '4',
  });
});
afterAll(async () => {
  await gw?.cleanup();
});

/** Every JSON message of every client, in arrival order, as `name:type`. */
function recorder() {
  const log: string[] = [];
  const open = (name: string): WsClient =>
    wsClient(gw.url, { query: 'format=pcm', onJson: (m) => log.push(`${name}:${String(m.type)}`) });
  return { log, open };
}

describe('turn admission', () => {
  it('lines up a turn past the capacity, says so, and starts it after the turn ahead', async () => {
    const { log, open } = recorder();
    const a = open('a');
    const b = open('b');
    await Promise.all([a.ready, b.ready]);
    // a's turn is under way until a flushes: the one slot is taken.
    a.send({ type: 'text', text: `${sentences(2)} And` });
    await a.until(() => a.types().filter((t) => t === 'audio').length === 2);
    b.send({ type: 'text', text: 'The second listener asks something.' });
    b.send({ type: 'flush' });
    await b.until(() => b.types().includes('turn_queued'));
    a.send({ type: 'flush' });
    await a.until(() => a.types().includes('flushed'));
    await b.until(() => b.types().includes('flushed'));

    expect(b.types()).toEqual(['ready', 'turn_queued', 'turn_started', 'audio', 'flushed']);
    expect(b.json[1]).toMatchObject({ type: 'turn_queued', position: 1 });
    expect(b.json[1]!.expected_wait_s).toBeGreaterThan(0);
    expect(a.types()).not.toContain('turn_queued');
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/^kittentts_queued_turns_total 1$/m);
    // b waited: nothing of its turn was made while a's turn was under way.
    expect(log.indexOf('b:turn_queued')).toBeLessThan(log.indexOf('a:flushed'));
    expect(log.indexOf('b:audio')).toBeGreaterThan(log.lastIndexOf('a:audio'));

    // A new turn while nobody else is active starts at once.
    b.send({ type: 'text', text: 'And one more question.' });
    b.send({ type: 'flush' });
    await b.until(() => b.types().filter((t) => t === 'flushed').length === 2);
    expect(b.types().filter((t) => t === 'turn_queued')).toHaveLength(1);
    a.ws.close();
    b.ws.close();
    await Promise.all([a.closed, b.closed]);
  });

  it('gives the slot back when a REST turn is answered, and when a waiting socket goes', async () => {
    const { open } = recorder();
    const start = await fetch(`${gw.url}/api/stream/start`, { method: 'POST' });
    const { session_id: id } = (await start.json()) as { session_id: string };
    const answer = await postJson(`${gw.url}/api/stream/chunk?session_id=${id}`, {
      text: 'A REST turn.',
      flush: true,
    });
    expect(answer.status).toBe(200);

    const a = open('a');
    await a.ready;
    a.send({ type: 'text', text: `${sentences(2)} And` });
    await a.until(() => a.types().includes('audio'));
    expect(a.types()).not.toContain('turn_queued'); // the REST turn gave its slot back

    // A turn that waits, then leaves: the line does not keep it.
    const gone = open('gone');
    await gone.ready;
    gone.send({ type: 'text', text: 'I will not wait.' });
    gone.send({ type: 'flush' });
    await gone.until(() => gone.types().includes('turn_queued'));
    gone.ws.close();
    await gone.closed;
    a.send({ type: 'flush' });
    await a.until(() => a.types().includes('flushed'));
    const c = open('c');
    await c.ready;
    c.send({ type: 'text', text: 'Next in line.' });
    c.send({ type: 'flush' });
    await c.until(() => c.types().includes('flushed'));
    expect(c.types()).toEqual(['ready', 'audio', 'flushed']);
    a.ws.close();
    c.ws.close();
    await fetch(`${gw.url}/api/stream/end/${id}`, { method: 'DELETE' });
  });
});
