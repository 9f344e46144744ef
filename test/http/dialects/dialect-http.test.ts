// The dialects' HTTP routes: Cartesia's /tts/bytes and /tts/sse against /api/generate, and bad
// input on both dialects answered in their own error shapes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWav, startTestGateway, type TestGateway } from '../../helpers/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.cleanup();
});

const post = (path: string, body: unknown) =>
  fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'Cartesia-Version': '2025-04-16' },
    body: JSON.stringify(body),
  });

const cartesia = (transcript: string, more: Record<string, unknown> = {}) => ({
  model_id: 'sonic-3',
  transcript,
  voice: { mode: 'id', id: 'Leo' },
  output_format: { container: 'raw', encoding: 'pcm_s16le', sample_rate: 24000 },
  ...more,
});

async function reference(
  text: string,
): Promise<{ pcm: Buffer; words: Array<{ text: string; start: number; end: number }> }> {
  const res = await post('/api/generate', { text, voice: 'Leo', timestamps: true });
  const body = (await res.json()) as {
    audio_base64: string;
    words: Array<{ text: string; start: number; end: number }>;
  };
  const { samples } = parseWav(Buffer.from(body.audio_base64, 'base64'));
  return {
    pcm: Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength),
    words: body.words,
  };
}

describe('Cartesia over HTTP', () => {
  it('answers /tts/bytes with the bytes /api/generate makes', async () => {
    const text = 'Bytes in one answer.';
    const res = await post('/tts/bytes', cartesia(text));
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals((await reference(text)).pcm)).toBe(true);
  });

  it('wraps /tts/bytes in a WAV container when asked', async () => {
    const output_format = { container: 'wav', encoding: 'pcm_s16le', sample_rate: 24000 };
    const res = await post('/tts/bytes', cartesia('A wave file.', { output_format }));
    expect(res.headers.get('content-type')).toBe('audio/wav');
    expect(parseWav(new Uint8Array(await res.arrayBuffer())).sampleRate).toBe(24000);
  });

  it('streams /tts/sse as chunk and timestamps events, then done', async () => {
    const text = 'Events as they come. And a second one.';
    const res = await post('/tts/sse', cartesia(text, { context_id: 'c1', add_timestamps: true }));
    const events = (await res.text())
      .split('\n\n')
      .filter(Boolean)
      .map(
        (block) =>
          JSON.parse(
            block
              .split('\n')
              .find((l) => l.startsWith('data: '))!
              .slice(6),
          ) as Record<string, unknown>,
      );
    expect(events.every((e) => e.context_id === 'c1')).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'done', done: true });
    const pcm = Buffer.concat(
      events.filter((e) => e.type === 'chunk').map((e) => Buffer.from(e.data as string, 'base64')),
    );
    const ref = await reference(text);
    expect(pcm.equals(ref.pcm)).toBe(true);
    const words = events
      .filter((e) => e.type === 'timestamps')
      .flatMap((e) => (e.word_timestamps as { words: string[] }).words);
    expect(words).toEqual(ref.words.map((w) => w.text));
  });

  it('answers bad requests with 400 and the message in detail and error', async () => {
    for (const body of [
      cartesia('Hi.', { voice: { mode: 'id', id: 'Nobody' } }),
      cartesia('Hi.', {
        output_format: { container: 'raw', encoding: 'pcm_s16le', sample_rate: 12345 },
      }),
      cartesia('a'.repeat(30_000)),
    ]) {
      const res = await post('/tts/bytes', body);
      expect(res.status).toBe(400);
      const json = (await res.json()) as { detail: string; error: string };
      expect(json.error).toBe(json.detail);
      expect(json.detail.length).toBeLessThanOrEqual(200);
    }
  });
});

describe('ElevenLabs over HTTP', () => {
  const speak = (voice: string, body: unknown, format = 'pcm_24000') =>
    post(`/v1/text-to-speech/${voice}?output_format=${format}`, body);

  it('answers POST /v1/text-to-speech/{voice_id} with the audio', async () => {
    const res = await speak('Leo', { text: 'Whole audio.', model_id: 'eleven_multilingual_v2' });
    expect(res.headers.get('content-type')).toBe('audio/pcm');
    expect(Buffer.from(await res.arrayBuffer()).equals((await reference('Whole audio.')).pcm)).toBe(
      true,
    );
  });

  it('answers bad input as {detail: {status, message}}', async () => {
    const cases: Array<[Response, number, string]> = [
      [await speak('Nobody', { text: 'Hi.' }), 404, 'voice_not_found'],
      [await speak('Leo', { text: 'Hi.' }, 'pcm_12345'), 400, 'invalid_output_format'],
      [await speak('Leo', { text: 'a'.repeat(30_000) }), 400, 'text_too_long'],
      [await speak('Leo', { words: 'Hi.' }), 422, 'invalid_request'],
    ];
    for (const [res, status, code] of cases) {
      expect(res.status).toBe(status);
      expect(((await res.json()) as { detail: { status: string } }).detail.status).toBe(code);
    }
  });

  it('lists our voices in their shape', async () => {
    const res = await fetch(`${gw.url}/v1/voices`);
    const { voices } = (await res.json()) as { voices: Array<{ voice_id: string; name: string }> };
    expect(voices.map((v) => v.voice_id)).toContain('Bella');
  });
});
