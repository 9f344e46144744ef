import { describe, expect, it } from 'vitest';
import { wavHeader } from '../../src/audio/index.js';
import { wavJsonBody } from '../../src/http/wav-json-body.js';

async function read(stream: ReadableStream<Uint8Array>): Promise<{ text: string; pieces: number }> {
  const parts: Uint8Array[] = [];
  for await (const part of stream as unknown as AsyncIterable<Uint8Array>) parts.push(part);
  return { text: Buffer.concat(parts).toString('utf8'), pieces: parts.length };
}

const pcmOf = (n: number, seed: number) =>
  Int16Array.from({ length: n }, (_, i) => ((i * 7919 + seed) % 65536) - 32768);

describe('wavJsonBody', () => {
  it('writes the seed JSON shape with a base64 WAV that decodes to exactly the chunks, in many pieces', async () => {
    // Odd chunk sizes, so chunk ends fall inside base64 groups of three bytes.
    const chunks = [pcmOf(70_001, 1), pcmOf(3, 2), pcmOf(123_457, 3), pcmOf(1, 4)];
    const expected = Buffer.concat([
      Buffer.from(wavHeader(24000, 2 * 193_462)),
      ...chunks.map((c) => Buffer.from(c.buffer)),
    ]);
    const { body, length } = wavJsonBody([...chunks], 24000, {
      sample_rate: 24000,
      duration: 8.06,
      debug_info: { audio_samples: 193_462 },
    });
    const { text, pieces } = await read(body);
    expect(Buffer.byteLength(text)).toBe(length);
    expect(pieces).toBeGreaterThan(5);
    const json = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['audio_base64', 'sample_rate', 'duration', 'debug_info']);
    expect(Buffer.from(json.audio_base64 as string, 'base64').equals(expected)).toBe(true);
    expect(json.debug_info).toEqual({ audio_samples: 193_462 });
  });

  it('writes an empty answer as a bare header', async () => {
    const { body, length } = wavJsonBody([], 24000, { sample_rate: 24000 });
    const { text } = await read(body);
    expect(Buffer.byteLength(text)).toBe(length);
    expect(
      Buffer.from((JSON.parse(text) as { audio_base64: string }).audio_base64, 'base64'),
    ).toHaveLength(44);
  });

  it('says once that it is done, with the WAV bytes it held, whether read to the end or abandoned', async () => {
    const heard: number[] = [];
    const read1 = wavJsonBody([pcmOf(100_000, 1), pcmOf(7, 2)], 24000, {}, (n) => heard.push(n));
    await read(read1.body);
    expect(heard).toEqual([44 + 2 * 100_007]);
    const cut = wavJsonBody([pcmOf(100_000, 1)], 24000, {}, (n) => heard.push(n));
    const reader = cut.body.getReader();
    await reader.read();
    await reader.cancel();
    expect(heard).toEqual([44 + 2 * 100_007, 44 + 2 * 100_000]);
  });

  it('lets go of the chunks it was given', () => {
    const chunks = [pcmOf(10, 1)];
    wavJsonBody(chunks, 24000, {});
    expect(chunks).toHaveLength(0);
  });
});
