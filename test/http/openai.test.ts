import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import type { SpeechCreateParams } from 'openai/resources/audio/speech';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { postJson } from '../helpers/http.js';

let gw: TestGateway;
let client: OpenAI;
let tmp: string;
beforeAll(async () => {
  gw = await startTestGateway();
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'x', maxRetries: 0 });
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kitten-openai-'));
});
afterAll(async () => {
  await gw?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const text =
  'The quick brown fox jumps over the lazy dog. It was a sunny day. Birds sang in the trees!';
const base = { model: 'tts-1', voice: 'alloy', input: text } satisfies SpeechCreateParams;

async function speech(params: SpeechCreateParams): Promise<Uint8Array> {
  const res = await client.audio.speech.create(params);
  return new Uint8Array(await res.arrayBuffer());
}

/** Samples a pcm response holds (s16le mono). */
const pcmSamples = (bytes: Uint8Array) => bytes.length / 2;

interface Probe {
  codec: string;
  sampleRateHz: number;
  channels: number;
  /** Samples decoded by ffmpeg at 24 kHz (container trimming applied). */
  samples: number;
}

/** ffprobe for the stream parameters, ffmpeg for the decoded length; throws if either fails. */
function probe(bytes: Uint8Array, name: string): Probe {
  const file = path.join(tmp, name);
  writeFileSync(file, bytes);
  const info = spawnSync(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'stream=codec_name,sample_rate,channels', '-of', 'json', file],
    { encoding: 'utf8' },
  );
  if (info.status !== 0) throw new Error(`ffprobe failed: ${info.stderr}`);
  const stream = JSON.parse(info.stdout).streams[0];
  const decoded = spawnSync(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-f', 's16le', '-ac', '1', '-ar', '24000', '-'],
    { maxBuffer: 1 << 28 },
  );
  if (decoded.status !== 0 || decoded.stderr.length > 0)
    throw new Error(`ffmpeg failed: ${decoded.stderr}`);
  return {
    codec: stream.codec_name,
    sampleRateHz: Number(stream.sample_rate),
    channels: stream.channels,
    samples: decoded.stdout.length / 2,
  };
}

/** OpusHead's input sample rate (ffprobe reports Opus at its 48 kHz decode rate). */
function opusInputRateHz(bytes: Uint8Array): number {
  const at = Buffer.from(bytes).indexOf('OpusHead');
  return Buffer.from(bytes).readUInt32LE(at + 12);
}

// One frame of each codec at 24 kHz: decoders may round the length to it.
const frameSamples = { wav: 0, flac: 0, mp3: 576, opus: 480 } as const;
const codecs = { wav: 'pcm_s16le', flac: 'flac', mp3: 'mp3', opus: 'opus' } as const;

describe('POST /v1/audio/speech', () => {
  it('creates raw 24 kHz s16le pcm with the official sdk', async () => {
    const pcm = await speech({ ...base, response_format: 'pcm' });
    expect(pcm.length).toBeGreaterThan(24000 * 0.5 * 2);
    expect(pcm.length % 2).toBe(0);
  });

  for (const format of ['wav', 'flac', 'mp3', 'opus'] as const) {
    it(`creates ${format} that ffmpeg decodes to the right length, 24 kHz mono`, async () => {
      const expected = pcmSamples(await speech({ ...base, response_format: 'pcm' }));
      const bytes = await speech({ ...base, response_format: format });
      const p = probe(bytes, `speech.${format}`);
      expect(p.codec).toBe(codecs[format]);
      expect(p.channels).toBe(1);
      expect(format === 'opus' ? opusInputRateHz(bytes) : p.sampleRateHz).toBe(24000);
      expect(Math.abs(p.samples - expected)).toBeLessThanOrEqual(Math.max(frameSamples[format], 1));
    });
  }

  it('gives flac, mp3 and opus files a duration players can show', async () => {
    const expectedS = pcmSamples(await speech({ ...base, response_format: 'pcm' })) / 24000;
    for (const format of ['flac', 'mp3', 'opus'] as const) {
      const file = path.join(tmp, `duration.${format}`);
      writeFileSync(file, await speech({ ...base, response_format: format }));
      const info = spawnSync(
        'ffprobe',
        ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file],
        { encoding: 'utf8' },
      );
      const durationS = Number(info.stdout.trim());
      expect(Number.isFinite(durationS), `${format}: ffprobe says ${info.stdout.trim()}`).toBe(
        true,
      );
      expect(Math.abs(durationS - expectedS), format).toBeLessThan(0.1);
    }
  });

  it('defaults to mp3', async () => {
    const res = await client.audio.speech.create(base);
    expect(res.headers.get('content-type')).toBe('audio/mpeg');
    expect(probe(new Uint8Array(await res.arrayBuffer()), 'default.mp3').codec).toBe('mp3');
  });

  it('sends wav as one stream with the unknown-size header convention', async () => {
    const bytes = Buffer.from(await speech({ ...base, response_format: 'wav' }));
    expect(bytes.toString('latin1', 0, 4)).toBe('RIFF');
    expect(bytes.indexOf('RIFF', 4)).toBe(-1);
    const data = bytes.indexOf('data');
    expect(bytes.readUInt32LE(data + 4)).toBe(0xffffffff);
  });

  it('maps openai voices onto ours', async () => {
    const onyx = await speech({ ...base, voice: 'onyx', response_format: 'pcm' });
    const bruno = await speech({ ...base, voice: 'Bruno', response_format: 'pcm' });
    const bella = await speech({ ...base, voice: 'Bella', response_format: 'pcm' });
    expect(Buffer.from(onyx).equals(Buffer.from(bruno))).toBe(true);
    expect(Buffer.from(onyx).equals(Buffer.from(bella))).toBe(false);
  });

  it('clamps speeds above 3.0 onto the model range and accepts instructions', async () => {
    const fast = await speech({
      ...base,
      speed: 4.0,
      response_format: 'pcm',
      instructions: 'Speak cheerfully.',
    });
    const three = await speech({
      ...base,
      model: 'kitten-tts-nano',
      speed: 3.0,
      response_format: 'pcm',
    });
    const normal = await speech({ ...base, response_format: 'pcm' });
    expect(fast.length).toBe(three.length);
    expect(fast.length).toBeLessThan(normal.length / 2);
  });

  it('sends the first bytes before the last sentence is synthesized', async () => {
    const sentences = Array.from(
      { length: 8 },
      (_, i) => `Sentence number ${i + 1} is here to make the stream long enough to measure.`,
    );
    await speech({ ...base, input: 'Warm up.', response_format: 'pcm' }); // the model is loaded
    const t0 = performance.now();
    const res = await client.audio.speech.create({
      ...base,
      input: sentences.join(' '),
      response_format: 'pcm',
      stream_format: 'audio',
    });
    const reader = res.body!.getReader();
    let firstMs = 0;
    let firstBytes = 0;
    let total = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (total === 0) {
        firstMs = performance.now() - t0;
        firstBytes = value.length;
      }
      total += value.length;
    }
    const endMs = performance.now() - t0;
    expect(firstBytes).toBeLessThan(total / 2);
    expect(firstMs).toBeLessThan(endMs * 0.5);
  });

  it('streams sse speech.audio.delta events then speech.audio.done', async () => {
    const expected = pcmSamples(await speech({ ...base, response_format: 'pcm' }));
    const res = await client.audio.speech.create({
      ...base,
      response_format: 'wav',
      stream_format: 'sse',
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = (await res.text())
      .split('\n\n')
      .filter((block) => block.startsWith('data: '))
      .map((block) => JSON.parse(block.slice(6)));
    const deltas = events.slice(0, -1);
    expect(deltas.length).toBeGreaterThanOrEqual(3);
    expect(
      deltas.every((e) => e.type === 'speech.audio.delta' && typeof e.audio === 'string'),
    ).toBe(true);
    const done = events.at(-1);
    expect(done.type).toBe('speech.audio.done');
    expect(done.usage).toEqual({
      input_tokens: text.length,
      output_tokens: 0,
      total_tokens: text.length,
    });
    const wav = Buffer.concat(deltas.map((e) => Buffer.from(e.audio, 'base64')));
    expect(probe(wav, 'sse.wav').samples).toBe(expected);
  });
});

describe('POST /v1/audio/speech errors', () => {
  const bad: [string, Record<string, unknown>, string][] = [
    ['missing input', { model: 'tts-1', voice: 'alloy' }, 'input'],
    ['input of 4097 characters', { ...base, input: 'a'.repeat(4097) }, 'input'],
    ['blank input', { ...base, input: '   ' }, 'input'],
    ['an unknown voice', { ...base, voice: 'nobody' }, 'voice'],
    ['an unknown format', { ...base, response_format: 'ogg' }, 'response_format'],
    ['aac', { ...base, response_format: 'aac' }, 'response_format'],
    ['speed 5', { ...base, speed: 5 }, 'speed'],
    ['an unknown model', { ...base, model: 'gpt-5' }, 'model'],
    ['an unknown field', { ...base, stream: true }, 'stream'],
  ];
  for (const [what, body, param] of bad) {
    it(`answers ${what} with 400 in openai's envelope`, async () => {
      const res = await postJson(`${gw.url}/v1/audio/speech`, body);
      expect(res.status).toBe(400);
      const json = await res.json();
      expect(Object.keys(json)).toEqual(['error']);
      expect(json.error).toMatchObject({ type: 'invalid_request_error', param });
      expect(typeof json.error.message).toBe('string');
      expect(typeof json.error.code).toBe('string');
    });
  }

  it('surfaces as the sdk BadRequestError with param and type', async () => {
    const err = await client.audio.speech.create({ ...base, speed: 5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('speed');
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).type).toBe('invalid_request_error');
  });

  it('answers malformed json and unknown /v1 routes in the envelope', async () => {
    const malformed = await postJson(`${gw.url}/v1/audio/speech`, '{nope');
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.type).toBe('invalid_request_error');
    const missing = await fetch(`${gw.url}/v1/audio/nothing`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.type).toBe('invalid_request_error');
  });
});

describe('GET /v1/models', () => {
  it('lists our models and the openai aliases', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'kitten-tts-nano',
        'kitten-tts-mini',
        'tts-1',
        'tts-1-hd',
        'gpt-4o-mini-tts',
      ]),
    );
    expect((await client.models.retrieve('tts-1')).owned_by).toBe('kittentts-gateway');
    await expect(client.models.retrieve('nope')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});
