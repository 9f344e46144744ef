import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64JsonBody } from '../../src/http/base64-json-body.js';
import { chunkAnswerBody, type KeptChunk } from '../../src/http/chunk-answer.js';
import type { ErrorEvent } from '../../src/session/session-events.js';
import { parseWav, sentences, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { postJson } from '../helpers/http.js';

async function read(stream: ReadableStream<Uint8Array>): Promise<{ text: string; pieces: number }> {
  const parts: Uint8Array[] = [];
  for await (const part of stream as unknown as AsyncIterable<Uint8Array>) parts.push(part);
  return { text: Buffer.concat(parts).toString('utf8'), pieces: parts.length };
}

const bytesOf = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) % 256);

describe('chunkAnswerBody', () => {
  it('writes exactly the JSON text of the seed answer, in many pieces', async () => {
    // Odd sizes, so a WAV's end falls inside a base64 group of three bytes.
    const wavs = [bytesOf(200_001, 1), bytesOf(44, 2), bytesOf(100_000, 3)];
    const kept: KeptChunk[] = wavs.map((wav) => ({ type: 'audio', wav }));
    const { body, length } = chunkAnswerBody(kept, 'Still "waiting" ünïcode', 'flushed');
    const { text, pieces } = await read(body);
    const seed = JSON.stringify({
      audio_chunks: wavs.map((w) => Buffer.from(w).toString('base64')),
      sample_rate: 24000,
      buffered_text: 'Still "waiting" ünïcode',
      status: 'flushed',
    });
    expect(text).toBe(seed);
    expect(Buffer.byteLength(text)).toBe(length);
    expect(pieces).toBeGreaterThan(6);
    expect(kept).toHaveLength(0);
  });

  it('writes an answer without audio as an empty list', async () => {
    const { body, length } = chunkAnswerBody([], '', 'streaming');
    const { text } = await read(body);
    expect(text).toBe(
      '{"audio_chunks":[],"sample_rate":24000,"buffered_text":"","status":"streaming"}',
    );
    expect(Buffer.byteLength(text)).toBe(length);
  });

  it('fails the call with the status of a sentence that failed', () => {
    const failed: ErrorEvent = {
      type: 'error',
      seq: 1,
      text: 'x',
      detail: 'queue full',
      status: 429,
      code: 'too_many_requests',
      cause: undefined,
    };
    expect(() =>
      chunkAnswerBody([{ type: 'audio', wav: bytesOf(10, 1) }, failed], '', 'flushed'),
    ).toThrow(expect.objectContaining({ status: 429 }));
  });
});

describe('base64JsonBody', () => {
  it('joins text and base64 runs into one text of the announced length', async () => {
    const run = [bytesOf(5, 1), bytesOf(7, 2)];
    const joined = Buffer.concat(run).toString('base64');
    const { body, length } = base64JsonBody([
      '["',
      { base64Of: run },
      '","',
      { base64Of: [] },
      '"]',
    ]);
    const { text } = await read(body);
    expect(JSON.parse(text)).toEqual([joined, '']);
    expect(Buffer.byteLength(text)).toBe(length);
  });
});

describe('REST chunk answer on a real server', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw?.cleanup();
  });

  it('answers a flush of many sentences with one WAV per sentence and an exact Content-Length', async () => {
    const start = await fetch(`${gw.url}/api/stream/start?voice=Jasper`, { method: 'POST' });
    const { session_id: id } = (await start.json()) as { session_id: string };
    const res = await postJson(`${gw.url}/api/stream/chunk?session_id=${id}`, {
      text: sentences(6),
      flush: true,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const text = await res.text();
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    const body = JSON.parse(text) as { audio_chunks: string[] } & Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['audio_chunks', 'sample_rate', 'buffered_text', 'status']);
    expect(body).toMatchObject({ sample_rate: 24000, buffered_text: '', status: 'flushed' });
    expect(body.audio_chunks.length).toBeGreaterThanOrEqual(6);
    for (const b64 of body.audio_chunks) {
      const wav = parseWav(Buffer.from(b64, 'base64'));
      expect(wav).toMatchObject({ sampleRate: 24000, channels: 1, bitsPerSample: 16 });
      expect(wav.samples.length).toBeGreaterThan(0);
    }
    await fetch(`${gw.url}/api/stream/end/${id}`, { method: 'DELETE' });
  });
});
