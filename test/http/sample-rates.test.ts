// Output rates and the telephony formats on our own doors, against a real gateway: what a socket
// at 16 kHz sends is exactly the 24 kHz stream resampled in one pass (the filter state runs on
// across chunks), lengths follow duration × rate, G.711 defaults to 8 kHz, WAV headers carry the
// rate ffprobe reads, and a rate a format cannot take is a 400 naming the ones it can.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resample } from '../../src/audio/stream-encoder.js';
import { parseWav, sentences, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { fetchJson, postJson } from '../helpers/http.js';
import { wsClient, type WsMessage } from '../helpers/ws-client.js';

const TEXT = sentences(3);
const LSB = 1 / 32768;
const hasFfprobe = spawnSync('ffprobe', ['-version']).status === 0;

let gw: TestGateway;
/** The reference: the whole 24 kHz stream as float32, straight from the model. */
let model24k: Float32Array;
beforeAll(async () => {
  gw = await startTestGateway();
  model24k = toFloat32((await streamWs('format=pcm_f32le')).bytes);
});
afterAll(async () => {
  await gw?.cleanup();
});

function toFloat32(bytes: Buffer): Float32Array {
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

/** Speaks TEXT over a WebSocket with `query`; returns every message and all binary frames. */
async function streamWs(
  query: string,
): Promise<{ json: WsMessage[]; frames: Buffer[]; bytes: Buffer }> {
  const c = wsClient(gw.url, query);
  await c.ready;
  c.send({ type: 'text', text: TEXT });
  c.send({ type: 'end' });
  expect(await c.closed).toBe(1000);
  return { json: c.json, frames: c.binary, bytes: Buffer.concat(c.binary) };
}

/** Samples at `rateHz` spanning the 24 kHz stream: what the resampler promises to deliver. */
const expectedSamples = (rateHz: number) => Math.ceil((model24k.length * rateHz) / 24000);

describe('sample_rate on the WebSocket door', () => {
  it('sends at 16 kHz exactly the model stream resampled in one pass, chunk joins included', async () => {
    const { json, bytes } = await streamWs('format=pcm_f32le&sample_rate=16000');
    expect(json[0]).toMatchObject({ type: 'ready', sample_rate: 16000, format: 'pcm_f32le' });
    const audio = json.filter((m) => m.type === 'audio');
    expect(audio.length).toBeGreaterThan(2); // several chunks, so there are joins to get right
    expect(audio.every((m) => m.sample_rate === 16000)).toBe(true);
    expect(json.filter((m) => m.type === 'audio_end')).toHaveLength(1); // the filter's tail
    const got = toFloat32(bytes);
    const want = resample(model24k, 24000, 16000);
    expect(got.length).toBe(expectedSamples(16000));
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
    expect(worst).toBeLessThanOrEqual(LSB);
  });

  it('sends 16-bit PCM at 16 kHz whose byte length is duration × 16000 × 2', async () => {
    const { json, bytes } = await streamWs('format=pcm&sample_rate=16000');
    expect(bytes.length).toBe(expectedSamples(16000) * 2);
    const seconds = json
      .filter((m) => m.type === 'audio')
      .reduce((s, m) => s + (m.duration as number), 0);
    // Each chunk's duration is rounded to the millisecond.
    expect(Math.abs(bytes.length / 2 / 16000 - seconds)).toBeLessThan(0.001 * json.length);
  });

  it('sends μ-law at 8 kHz when no rate is named, one byte per sample', async () => {
    const { json, bytes } = await streamWs('format=mulaw');
    expect(json[0]).toMatchObject({ type: 'ready', sample_rate: 8000, format: 'mulaw' });
    expect(bytes.length).toBe(expectedSamples(8000));
  });

  it.skipIf(!hasFfprobe && !process.env.CI)(
    'sends WAV chunks at 44.1 kHz that ffprobe reads at that rate',
    async () => {
      const { frames } = await streamWs('format=wav&sample_rate=44100');
      const wavs = frames.map((f) => parseWav(f));
      expect(wavs.every((w) => w.sampleRate === 44100 && w.channels === 1)).toBe(true);
      expect(wavs.reduce((n, w) => n + w.samples.length, 0)).toBe(expectedSamples(44100));
      const dir = mkdtempSync(path.join(tmpdir(), 'kitten-rates-'));
      try {
        const file = path.join(dir, 'chunk.wav');
        writeFileSync(file, frames[0]!);
        const run = spawnSync('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', file], {
          encoding: 'utf8',
        });
        expect(run.status, run.stderr).toBe(0);
        expect(JSON.parse(run.stdout).streams[0]).toMatchObject({
          codec_name: 'pcm_s16le',
          sample_rate: '44100',
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('refuses a rate the format cannot take with a 400 naming the ones it can', async () => {
    for (const [query, allowed] of [
      ['format=pcm&sample_rate=11025', '8000, 16000, 22050, 24000, 44100, 48000'],
      ['format=opus&sample_rate=44100', '8000, 16000, 24000, 48000'],
      ['sample_rate=fast', '8000, 16000, 22050, 24000, 44100, 48000'],
    ] as const) {
      const c = wsClient(gw.url, query);
      expect(await c.upgrade, query).toBe(400);
      const { detail } = JSON.parse(c.rejectedBody!) as { detail: string };
      expect(detail).toMatch(/^sample_rate: /);
      expect(detail).toContain(allowed);
    }
  });
});

describe('sample_rate on the SSE doors', () => {
  it('streams A-law at 8 kHz by default, its tail in audio_end', async () => {
    const res = await postJson(`${gw.url}/api/generate/stream`, { text: TEXT, format: 'alaw' });
    expect(res.status).toBe(200);
    const blocks = (await res.text()).split('\n\n').filter((b) => b.startsWith('event:'));
    const events = blocks.map((b) => ({
      event: /^event: (.*)$/m.exec(b)![1],
      data: JSON.parse(/^data: (.*)$/m.exec(b)![1]!) as Record<string, unknown>,
    }));
    const audio = events.filter((e) => e.event === 'audio' || e.event === 'audio_end');
    expect(
      events.filter((e) => e.event === 'audio').every((e) => e.data.sample_rate === 8000),
    ).toBe(true);
    expect(audio.at(-1)?.event).toBe('audio_end');
    const bytes = audio.reduce(
      (n, e) => n + Buffer.from(e.data.audio_base64 as string, 'base64').length,
      0,
    );
    expect(bytes).toBe(expectedSamples(8000));
  });

  it('refuses a bad rate before the stream starts', async () => {
    const { status, body } = await fetchJson<{ detail: string }>(`${gw.url}/api/generate/stream`, {
      json: { text: TEXT, format: 'mp3', sample_rate: 12345 },
    });
    expect(status).toBe(400);
    expect(body.detail).toContain('8000, 16000, 22050, 24000, 44100, 48000');
    const events = await fetchJson<{ detail: string }>(
      `${gw.url}/api/stream/events?session_id=x&sample_rate=96000`,
    );
    expect(events.status).toBe(400);
    expect(events.body.detail).toMatch(/^sample_rate: /);
  });
});

describe('sample_rate on POST /v1/audio/speech', () => {
  const speech = (body: Record<string, unknown>) =>
    postJson(`${gw.url}/v1/audio/speech`, { model: 'tts-1', voice: 'Bella', input: TEXT, ...body });

  it("keeps OpenAI's pcm at 24 kHz and resamples when sample_rate asks", async () => {
    const at24k = await speech({ response_format: 'pcm' });
    expect((await at24k.arrayBuffer()).byteLength).toBe(model24k.length * 2);
    const at16k = await speech({ response_format: 'pcm', sample_rate: 16000 });
    expect(at16k.status).toBe(200);
    expect((await at16k.arrayBuffer()).byteLength).toBe(expectedSamples(16000) * 2);
  });

  it('answers mulaw at 8 kHz as audio/basic and wav at the rate asked', async () => {
    const mulaw = await speech({ response_format: 'mulaw' });
    expect(mulaw.headers.get('content-type')).toBe('audio/basic');
    expect((await mulaw.arrayBuffer()).byteLength).toBe(expectedSamples(8000));
    const wav = await speech({ response_format: 'wav', sample_rate: 22050 });
    const parsed = parseWav(new Uint8Array(await wav.arrayBuffer()));
    expect(parsed.sampleRate).toBe(22050);
    expect(parsed.samples.length).toBe(expectedSamples(22050));
  });

  it("refuses a bad rate in OpenAI's error shape, naming the parameter", async () => {
    const res = await speech({ response_format: 'opus', sample_rate: 22050 });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { message: string; param: string } };
    expect(error.param).toBe('sample_rate');
    expect(error.message).toContain('8000, 16000, 24000, 48000');
  });
});
