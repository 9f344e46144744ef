// Phoneme markup and the lexicon on a real gateway (real workers, the real espeak front-end):
// POST /v1/phonemize with and without them differs in exactly the marked words' input_ids, which
// are the given phonemes' ids; an unknown symbol is a 400 naming it; word timestamps show a marked
// stretch as one word; a bad lexicon file stops the start.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startGateway } from '../../src/gateway.js';
import { textToIds } from '../../src/kitten/frontend/tokenize.js';
import { startTestGateway, TINY_DIR, type TestGateway } from '../helpers/gateway.js';
import { fetchJson } from '../helpers/http.js';
import { wsClient } from '../helpers/ws-client.js';

type Chunk = { text: string; phonemes: string; input_ids: number[] };
const GIVEN = 'kˈɪtən tˌiːtˌiːˈɛs';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'kitten-lexicon-'));
const lexiconFile = (name: string, body: string) => {
  const file = path.join(tmp, name);
  writeFileSync(file, body);
  return file;
};

let gw: TestGateway;
let lexGw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
  lexGw = await startTestGateway({
    KITTENTTS_WORKERS: '1',
    KITTENTTS_LEXICON: lexiconFile('good.json', JSON.stringify({ KittenTTS: GIVEN })),
  });
});
afterAll(async () => {
  await gw?.cleanup();
  await lexGw?.cleanup();
  rmSync(tmp, { recursive: true, force: true });
});

const phonemize = async (url: string, text: string) => {
  const res = await fetchJson<{ chunks: Chunk[] }>(`${url}/v1/phonemize`, { json: { text } });
  expect(res.status).toBe(200);
  expect(res.body.chunks).toHaveLength(1);
  return res.body.chunks[0]!;
};

/** The plain chunk's ids with espeak's word `index` (space-separated) said as `phonemes`. */
const withWord = (plain: Chunk, index: number, phonemes: string) => {
  const words = plain.phonemes.split(' ');
  words[index] = phonemes;
  return textToIds(words.join(' '));
};

describe('phoneme markup', () => {
  it('changes exactly the marked word’s input_ids, to the given phonemes’ ids', async () => {
    const plain = await phonemize(gw.url, 'Say KittenTTS now, please.');
    const marked = await phonemize(gw.url, `Say [KittenTTS](/${GIVEN}/) now, please.`);
    expect(marked.text).toBe('say KittenTTS now, please.');
    expect(marked.input_ids).not.toEqual(plain.input_ids);
    expect(marked.input_ids).toEqual(withWord(plain, 1, GIVEN));
    // The neighbours' ids, byte for byte: the same prefix and suffix as without markup.
    const [before] = plain.phonemes.split(' ');
    const head = textToIds(before!).slice(0, -2);
    expect(marked.input_ids.slice(0, head.length)).toEqual(plain.input_ids.slice(0, head.length));
  });

  it('marks several words as one stretch', async () => {
    const plain = await phonemize(gw.url, 'Visit New York today.');
    const marked = await phonemize(gw.url, 'Visit [New York](/nˈuː jˈɔːɹk/) today.');
    const words = plain.phonemes.split(' ');
    const expected = textToIds([words[0], 'nˈuː jˈɔːɹk', ...words.slice(3)].join(' '));
    expect(marked.input_ids).toEqual(expected);
  });

  it('answers an unknown phoneme symbol with a 400 naming it, before any synthesis', async () => {
    const text = 'Say [Kitten](/kˈɪt3n/) now.';
    for (const [route, json] of [
      ['/v1/phonemize', { text }],
      ['/api/generate', { text, voice: 'Jasper' }],
    ] as const) {
      const res = await fetchJson(`${gw.url}${route}`, { json });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toMatch(
        /'3' \(U\+0033\) is not in the model's symbol table/,
      );
    }
  });

  it('reports a marked stretch as one word with its display text in word timestamps', async () => {
    const { status, body } = await fetchJson<{ words: Array<{ text: string }> }>(
      `${gw.url}/api/generate`,
      {
        json: { text: 'Visit [New York](/nˈuː jˈɔːɹk/) today.', voice: 'Jasper', timestamps: true },
      },
    );
    expect(status).toBe(200);
    expect(body.words.map((w) => w.text)).toEqual(['visit', 'New York', 'today']);
  });
});

describe('phoneme markup in a stream', () => {
  it('speaks markup pushed in pieces as one word with its display text', async () => {
    const c = wsClient(gw.url, '?timestamps=word&format=pcm');
    await c.ready;
    // The segmenter must hold the cut until the markup is whole, whatever the pieces.
    for (const text of ['Visit [New', ' York](/nˈuː. jˈɔːɹk', '/) today. ', 'Then rest.'])
      c.send({ type: 'text', text });
    c.send({ type: 'end' });
    await c.until(() => c.types().includes('done'));
    const words = c.json
      .filter((m) => m.type === 'audio')
      .flatMap((m) => (m.words as Array<{ text: string }>).map((w) => w.text));
    expect(words).toEqual(['visit', 'New York', 'today', 'then', 'rest']);
    c.ws.close();
  });
});

describe('the lexicon (KITTENTTS_LEXICON)', () => {
  it('says a listed word, in any case, as inline markup would, and nothing else differently', async () => {
    const marked = await phonemize(gw.url, `Say [kittentts](/${GIVEN}/) now.`);
    for (const text of ['Say KittenTTS now.', 'Say KITTENTTS now.'])
      expect((await phonemize(lexGw.url, text)).input_ids).toEqual(marked.input_ids);
    const plain = 'Say kittens now, please.';
    expect(await phonemize(lexGw.url, plain)).toEqual(await phonemize(gw.url, plain));
  });

  it('stops the start with a message naming what is wrong with the file', async () => {
    const cases: Array<[string, RegExp]> = [
      [path.join(tmp, 'missing.json'), /KITTENTTS_LEXICON: .*missing\.json: cannot read/],
      [lexiconFile('array.json', '["a"]'), /must be a JSON object/],
      [lexiconFile('number.json', '{"a": 1}'), /phonemes of 'a' are not a string/],
      [lexiconFile('symbol.json', '{"Kitten": "kˈɪt3n"}'), /'3' \(U\+0033\) is not in the model/],
      [lexiconFile('broken.json', '{"a": '), /not JSON/],
    ];
    for (const [file, message] of cases) {
      const config = loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        KITTENTTS_CACHE_DIR: tmp,
        HF_HUB_OFFLINE: '1',
        KITTENTTS_MODEL_DIRS: `kitten-tts-nano=${TINY_DIR}`,
        KITTENTTS_LOG_LEVEL: 'silent',
        KITTENTTS_LEXICON: file,
      });
      await expect(startGateway(config)).rejects.toThrow(message);
    }
  });
});
