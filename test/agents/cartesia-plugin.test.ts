// LiveKit Agents' own Cartesia plugin (from npm, unchanged) pointed at a real gateway by its
// baseUrl: its pooled /tts/websocket, text pushed word by word, replies on one socket, timestamps.
import * as cartesia from '@livekit/agents-plugin-cartesia';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { atRate, maxDifference, oneShot, speak } from './livekit-helpers.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.cleanup();
});

const plugin = (sampleRate = 24000) =>
  new cartesia.TTS({
    apiKey: 'unused',
    baseUrl: gw.url,
    voice: 'Leo',
    model: 'sonic-3',
    encoding: 'pcm_s16le',
    sampleRate,
  });

describe('the LiveKit Cartesia plugin', () => {
  it('speaks replies on one socket as /api/generate speaks the same texts', async () => {
    const t = plugin();
    const texts = ['Hello there. This is a test of the gateway.', 'A second reply follows it.'];
    const replies = [];
    for (const text of texts) replies.push(await speak(t.stream(), text));
    await t.close();
    for (const [i, reply] of replies.entries()) {
      expect([...reply.sampleRates]).toEqual([24000]);
      const reference = await oneShot(gw.url, texts[i]!, 'Leo');
      expect(maxDifference(reply.samples, reference.samples)).toBeLessThanOrEqual(1);
    }
  });

  it('speaks at 16 kHz as /api/generate resampled to 16 kHz (within 2 LSB)', async () => {
    const t = plugin(16000);
    const text = 'Hello there. This is a test of the gateway.';
    const reply = await speak(t.stream(), text);
    await t.close();
    expect([...reply.sampleRates]).toEqual([16000]);
    const reference = atRate((await oneShot(gw.url, text, 'Leo')).samples, 16000);
    // Chunk-by-chunk against one-piece resampling (1 LSB) of a 16-bit reference (1 LSB).
    expect(maxDifference(reply.samples, reference)).toBeLessThanOrEqual(2);
  });

  it('receives timestamps equal to our word timestamps for the same text', async () => {
    const t = plugin();
    const text = 'Every word has its time. The second sentence too.';
    const reply = await speak(t.stream(), text);
    await t.close();
    const reference = await oneShot(gw.url, text, 'Leo');
    expect(reply.timed.map((w) => w.text.trim())).toEqual(reference.words.map((w) => w.text));
    expect(reply.timed.map((w) => [w.startTime, w.endTime])).toEqual(
      reference.words.map((w) => [w.start, w.end]),
    );
  });

  it('is interrupted mid-reply and then speaks the next reply whole', async () => {
    const t = plugin();
    const long = t.stream();
    for (let i = 1; i <= 8; i++) long.pushText(`Sentence number ${i} is spoken here. `);
    long.flush();
    expect((await long.next()).done).toBe(false);
    long.close();
    const text = 'After the interruption we go on.';
    const next = await speak(t.stream(), text);
    await t.close();
    const reference = await oneShot(gw.url, text, 'Leo');
    expect(maxDifference(next.samples, reference.samples)).toBeLessThanOrEqual(1);
  });
});
