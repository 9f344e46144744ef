// LiveKit Agents' own ElevenLabs plugin (from npm, unchanged) pointed at a real gateway by its
// baseURL: its multi-stream-input socket, text pushed word by word, replies on one socket.
import * as elevenlabs from '@livekit/agents-plugin-elevenlabs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { maxDifference, oneShot, speak } from './livekit-helpers.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.cleanup();
});

const plugin = () =>
  new elevenlabs.TTS({
    apiKey: 'unused',
    baseURL: `${gw.url}/v1`,
    voiceId: 'Jasper',
    model: 'eleven_flash_v2_5',
    encoding: 'pcm_24000',
  });

describe('the LiveKit ElevenLabs plugin', () => {
  it('speaks a reply pushed word by word as /api/generate speaks the same text', async () => {
    const t = plugin();
    const text = 'Hello there. This is a test of the gateway.';
    const reply = await speak(t.stream(), text);
    await t.close();
    expect([...reply.sampleRates]).toEqual([24000]);
    const reference = await oneShot(gw.url, text, 'Jasper');
    expect(maxDifference(reply.samples, reference.samples)).toBeLessThanOrEqual(1);
  });
});
