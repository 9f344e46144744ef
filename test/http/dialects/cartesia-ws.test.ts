// The Cartesia WebSocket dialect spoken by hand: cancel as barge-in, and every bad request
// failing its own context only ({type:"error", status_code, done:true}; the socket stays open).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentences, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { wsClient, type WsMessage } from '../../helpers/ws-client.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ KITTENTTS_DIALECT_MAX_CONTEXTS: '2' });
});
afterAll(async () => {
  await gw?.cleanup();
});

const socket = async () => {
  const c = wsClient(gw.url, { path: '/tts/websocket', query: 'cartesia_version=2025-04-16' });
  await c.upgrade;
  return c;
};

const request = (context_id: string, transcript: string, more: Record<string, unknown> = {}) => ({
  model_id: 'sonic-3',
  voice: { mode: 'id', id: 'Bella' },
  output_format: { container: 'raw', encoding: 'pcm_s16le', sample_rate: 24000 },
  context_id,
  transcript,
  continue: false,
  ...more,
});

const of = (c: { json: WsMessage[] }, id: string) => c.json.filter((m) => m.context_id === id);

describe('the Cartesia socket', () => {
  it('speaks a context to its done, every message carrying the context_id', async () => {
    const c = await socket();
    c.send(request('a', 'Hello ', { continue: true }));
    c.send(request('a', 'there.'));
    await c.until(() => of(c, 'a').some((m) => m.type === 'done'));
    expect(of(c, 'a').map((m) => m.type)).toEqual([
      ...of(c, 'a')
        .slice(0, -1)
        .map(() => 'chunk'),
      'done',
    ]);
    c.ws.close();
  });

  it('drops a cancelled context at once: no chunk and no done after the cancel', async () => {
    const c = await socket();
    c.send(request('long', sentences(8)));
    await c.until(() => of(c, 'long').length > 0);
    c.send({ context_id: 'long', cancel: true });
    c.send(request('after', 'After.'));
    await c.until(() => of(c, 'after').some((m) => m.type === 'done'));
    const afterStarts = c.json.findIndex((m) => m.context_id === 'after');
    const late = c.json.slice(afterStarts).filter((m) => m.context_id === 'long');
    // A chunk already on the wire may still land; nothing is produced after the cancel.
    expect(late.length).toBeLessThanOrEqual(1);
    expect(of(c, 'long').some((m) => m.type === 'done')).toBe(false);
    expect(of(c, 'long').length).toBeLessThan(8);
    c.ws.close();
  });
});

async function failsContext(
  send: WsMessage[],
  status: number,
  pattern: RegExp,
  before: WsMessage[] = [],
): Promise<void> {
  const c = await socket();
  for (const m of send) c.send(m);
  await c.until(() => c.json.some((m) => m.type === 'error'));
  const err = c.json.find((m) => m.type === 'error')!;
  expect(err).toMatchObject({ status_code: status, done: true });
  expect(err.error).toMatch(pattern);
  expect(typeof err.context_id).toBe('string');
  // The socket goes on: another context still speaks.
  for (const m of before) c.send(m);
  c.send(request('fine', 'Fine.'));
  await c.until(() => of(c, 'fine').some((m) => m.type === 'done'));
  c.ws.close();
}

describe('bad requests on the Cartesia socket', () => {
  it('fails an unknown voice', async () => {
    await failsContext(
      [request('v', 'Hi.', { voice: { mode: 'id', id: 'Nobody' } })],
      400,
      /Nobody/,
    );
  });

  it('fails an output_format it does not know', async () => {
    const output_format = { container: 'raw', encoding: 'pcm_s8', sample_rate: 24000 };
    await failsContext([request('f', 'Hi.', { output_format })], 400, /output_format/);
  });

  it('fails a transcript longer than the text limit', async () => {
    await failsContext([request('t', 'a'.repeat(30_000))], 400, /longer than/);
  });

  it('fails a context_id reused after its context was cancelled', async () => {
    const reuse = [
      request('r', 'x', { continue: true }),
      { context_id: 'r', cancel: true },
      request('r', 'Again.'),
    ];
    await failsContext(reuse, 400, /closed/);
  });

  it('fails more open contexts than KITTENTTS_DIALECT_MAX_CONTEXTS', async () => {
    const open = (id: string) => request(id, 'Waiting', { continue: true });
    await failsContext([open('a'), open('b'), open('c')], 429, /At most 2/, [
      { context_id: 'a', cancel: true },
    ]);
  });
});

describe('telephony audio on the Cartesia socket', () => {
  it('sends 8 kHz mu-law, one byte per sample, as long as the 24 kHz audio', async () => {
    const c = await socket();
    const output_format = { container: 'raw', encoding: 'pcm_mulaw', sample_rate: 8000 };
    c.send(request('mu', 'Telephone audio.', { output_format }));
    c.send(request('lin', 'Telephone audio.'));
    await c.until(() => ['mu', 'lin'].every((id) => of(c, id).some((m) => m.type === 'done')));
    const bytes = (id: string) =>
      of(c, id)
        .filter((m) => m.type === 'chunk')
        .reduce((n, m) => n + Buffer.from(m.data as string, 'base64').length, 0);
    // 24 kHz s16le is 6 bytes per 8 kHz mu-law byte.
    expect(Math.abs(bytes('lin') / 6 - bytes('mu'))).toBeLessThanOrEqual(2);
    c.ws.close();
  });
});
