// POST /v1/phonemize on a real gateway (real workers, the real front-end): the chunks, phonemes
// and input_ids the model receives, checked against the golden front-end vectors, and its 400s.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { fetchJson } from '../helpers/http.js';

interface GoldenChunk {
  text: string;
  phonemes: string;
  input_ids: number[];
}
const golden = readFileSync(new URL('../fixtures/frontend.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map(
    (l) => JSON.parse(l) as { id: string; text: string; clean: GoldenChunk[]; raw: GoldenChunk[] },
  )
  .find((c) => c.id === 'hand-000')!;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.cleanup();
});

type Answer = { model: string; chunks: GoldenChunk[] };
const phonemize = (json: unknown) =>
  fetchJson<Answer & { error?: { message: string } }>(`${gw.url}/v1/phonemize`, {
    method: 'POST',
    json,
  });

const strip = (chunks: GoldenChunk[]) =>
  chunks.map(({ text, phonemes, input_ids }) => ({ text, phonemes, input_ids }));

describe('POST /v1/phonemize', () => {
  it('answers the golden chunks, phonemes and input_ids of a text, normalized by default', async () => {
    const res = await phonemize({ text: golden.text });
    expect(res.status).toBe(200);
    expect(res.body.model).toBe('kitten-tts-nano');
    expect(res.body.chunks).toEqual(strip(golden.clean));
  });

  it('skips normalization when asked, as the raw golden vectors do', async () => {
    const res = await phonemize({ text: golden.text, normalize: false, model: 'kitten-tts-nano' });
    expect(res.status).toBe(200);
    expect(res.body.chunks).toEqual(strip(golden.raw));
  });

  it('answers bad input with a 400 naming the field', async () => {
    for (const [json, pattern] of [
      [{}, /text/],
      [{ text: '   ' }, /text/],
      [{ text: 'Hi.', model: 'nope' }, /model/],
      [{ text: 'Hi.', extra: 1 }, /extra/],
    ] as const) {
      const res = await phonemize(json);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toMatch(pattern);
    }
  });
});
