// LiveKit Agents' own ElevenLabs plugin (from npm, unchanged) pointed at a real gateway by its
// baseURL: its multi-stream-input socket, text pushed word by word, replies on one socket.
import * as elevenlabs from '@livekit/agents-plugin-elevenlabs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { atRate, collect, maxDifference, oneShot, speak } from './livekit-helpers.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.cleanup();
});

type Encoding = NonNullable<ConstructorParameters<typeof elevenlabs.TTS>[0]>['encoding'];
/** ElevenLabs has pcm_24000; the plugin's type omits it but reads the rate from the name. */
const PCM_24000 = 'pcm_24000' as unknown as Encoding;

const plugin = (encoding: Encoding = PCM_24000) =>
  new elevenlabs.TTS({
    apiKey: 'unused',
    baseURL: `${gw.url}/v1`,
    voiceId: 'Jasper',
    model: 'eleven_flash_v2_5',
    encoding,
  });

/**
 * Streamed audio is resampled chunk by chunk, the reference in one piece from 16-bit samples:
 * the two agree within 2 LSB (1 for the resampler's chunking, 1 for the reference's rounding).
 */
const RESAMPLED_TOLERANCE = 2;

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

  it("speaks a reply at the plugin's default rate (pcm_22050) as /api/generate does", async () => {
    const t = new elevenlabs.TTS({ apiKey: 'unused', baseURL: `${gw.url}/v1`, voiceId: 'Jasper' });
    const text = 'Hello there. This is a test of the gateway.';
    const reply = await speak(t.stream(), text);
    await t.close();
    expect([...reply.sampleRates]).toEqual([22050]);
    const reference = atRate((await oneShot(gw.url, text, 'Jasper')).samples, 22050);
    expect(maxDifference(reply.samples, reference)).toBeLessThanOrEqual(RESAMPLED_TOLERANCE);
  });

  it('speaks two replies on one socket, each as /api/generate speaks it', async () => {
    const t = plugin();
    const texts = ['The first reply is short.', 'And here comes the second one.'];
    const first = await speak(t.stream(), texts[0]!);
    const socket = await t.currentConnection();
    const second = await speak(t.stream(), texts[1]!);
    expect(await t.currentConnection()).toBe(socket);
    await t.close();
    for (const [i, reply] of [first, second].entries()) {
      expect([...reply.sampleRates]).toEqual([24000]);
      const reference = await oneShot(gw.url, texts[i]!, 'Jasper');
      expect(maxDifference(reply.samples, reference.samples)).toBeLessThanOrEqual(1);
    }
  });

  it('carries word timings from the alignment for every word it spoke', async () => {
    const t = plugin();
    // Two sentences, two chunks: words must not run together across the chunk boundary.
    const reply = await speak(t.stream(), 'Timing every word. And the next one.');
    await t.close();
    expect(reply.timed.map((w) => w.text.trim())).toEqual([
      'Timing',
      'every',
      'word.',
      'And',
      'the',
      'next',
      'one.',
    ]);
    const audioS = reply.samples.length / 24000;
    // Alignment times count from each chunk's start, as ElevenLabs' do (Pipecat adds each
    // chunk's offset; this plugin does not, so only "within the audio" holds across chunks).
    for (const w of reply.timed) {
      expect(w.startTime).toBeGreaterThanOrEqual(0);
      expect(w.endTime).toBeLessThanOrEqual(audioS);
    }
  });

  it('is interrupted mid-reply and then speaks the next reply whole', async () => {
    const t = plugin();
    const long = t.stream();
    for (let i = 1; i <= 8; i++) long.pushText(`Sentence number ${i} is spoken here. `);
    long.flush();
    const first = await long.next();
    expect(first.done).toBe(false);
    long.close();
    const text = 'After the interruption we go on.';
    const next = await speak(t.stream(), text);
    await t.close();
    const reference = await oneShot(gw.url, text, 'Jasper');
    expect(maxDifference(next.samples, reference.samples)).toBeLessThanOrEqual(1);
  });

  it('synthesizes a whole text over POST .../stream (its ChunkedStream)', async () => {
    const t = plugin();
    const text = 'One request, one answer.';
    const reply = await collect(t.synthesize(text));
    await t.close();
    expect([...reply.sampleRates]).toEqual([24000]);
    const reference = await oneShot(gw.url, text, 'Jasper');
    expect(maxDifference(reply.samples, reference.samples)).toBeLessThanOrEqual(1);
  });

  it('lists our voices through its listVoices (GET /v1/voices)', async () => {
    const t = plugin();
    const voices = await t.listVoices();
    await t.close();
    expect(voices.map((v) => v.id)).toContain('Jasper');
  });
});
