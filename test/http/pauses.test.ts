// Pause tags on a real gateway (real workers, the stand-in model): `[pause:0.5s]` adds exactly its
// samples of silence between the chunks around it, the words after it move by exactly that much,
// and a bad or too long tag is a 400 naming it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PAUSE_S } from '../../src/kitten/pause-tags.js';
import { parseWav, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { postJson } from '../helpers/http.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.cleanup();
});

interface Word {
  text: string;
  start: number;
  end: number;
}

async function generate(text: string): Promise<{ samples: Int16Array; words: Word[] }> {
  const res = await postJson(`${gw.url}/api/generate`, { text, voice: 'Leo', timestamps: true });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { audio_base64: string; words: Word[] };
  return { samples: parseWav(Buffer.from(body.audio_base64, 'base64')).samples, words: body.words };
}

describe('pause tags', () => {
  it('insert exactly their samples of silence between the chunks around them', async () => {
    const plain = await generate('Hello there. How are you?');
    const first = await generate('Hello there.');
    for (const [tag, samples] of [
      ['[pause:0.5s]', 12_000],
      ['[pause:250ms]', 6_000],
      ['[PAUSE: 1.25s]', 30_000],
    ] as const) {
      const paused = await generate(`Hello there. ${tag} How are you?`);
      expect(paused.samples.length).toBe(plain.samples.length + samples);
      const cut = first.samples.length;
      expect(paused.samples.subarray(0, cut)).toEqual(plain.samples.subarray(0, cut));
      expect(paused.samples.subarray(cut, cut + samples).every((s) => s === 0)).toBe(true);
      expect(paused.samples.subarray(cut + samples)).toEqual(plain.samples.subarray(cut));
      // The words after the pause move by exactly its length; the words keep their text.
      expect(paused.words.map((w) => w.text)).toEqual(plain.words.map((w) => w.text));
      const shift = samples / 24_000;
      const after = plain.words.findIndex((w) => w.start * 24_000 >= cut);
      paused.words.forEach((w, i) => {
        const moved = i >= after ? shift : 0;
        expect(w.start).toBeCloseTo(plain.words[i]!.start + moved, 5);
      });
    }
  });

  it('refuses a malformed or too long tag with a 400 naming it', async () => {
    for (const [text, pattern] of [
      ['Hi [pause:soon] there.', /\[pause:soon\]/],
      ['Hi [pause:2] there.', /\[pause:2\]/],
      [`Hi [pause:${MAX_PAUSE_S + 1}s] there.`, /longer than/],
    ] as const) {
      const res = await postJson(`${gw.url}/api/generate`, { text });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { detail: string }).detail).toMatch(pattern);
    }
  });
});
