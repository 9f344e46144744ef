// The socket limits every WebSocket door keeps, on the dialect sockets: the message rate and the
// idle timeout of a Cartesia socket (an ElevenLabs one has its own inactivity_timeout).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { wsClient } from '../../helpers/ws-client.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    KITTENTTS_WS_MAX_MESSAGES_PER_S: '5',
    KITTENTTS_SESSION_TTL_S: '1',
  });
});
afterAll(async () => {
  await gw?.cleanup();
});

describe('limits on the dialect sockets', () => {
  it('closes an ElevenLabs socket with 1008 past twice the message rate', async () => {
    const c = wsClient(gw.url, {
      path: '/v1/text-to-speech/Bella/multi-stream-input',
      query: 'output_format=pcm_24000',
    });
    await c.upgrade;
    for (let i = 0; i < 12; i++) c.send({ text: '', context_id: 'k' });
    expect(await c.closed).toBe(1008);
    expect(c.json.at(-1)).toMatchObject({ error: 'rate_limited', code: 1008 });
  });

  it('closes an ElevenLabs socket normally after inactivity_timeout seconds without a message', async () => {
    const c = wsClient(gw.url, {
      path: '/v1/text-to-speech/Bella/stream-input',
      query: 'output_format=pcm_24000&inactivity_timeout=1',
    });
    await c.upgrade;
    c.send({ text: 'Waiting' });
    expect(await c.closed).toBe(1000);
  });

  it('closes an idle Cartesia socket though a context is still open', async () => {
    const c = wsClient(gw.url, { path: '/tts/websocket', query: 'cartesia_version=2025-04-16' });
    await c.upgrade;
    c.send({
      model_id: 'sonic-3',
      voice: { mode: 'id', id: 'Bella' },
      output_format: { container: 'raw', encoding: 'pcm_s16le', sample_rate: 24000 },
      context_id: 'idle',
      transcript: 'Never finished',
      continue: true,
    });
    expect(await c.closed).toBe(1000);
  });
});
