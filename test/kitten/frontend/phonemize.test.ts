import { existsSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import {
  autoPhonemizerBackend,
  createPhonemizer,
  ESPEAK_LIBRARY_CANDIDATES,
  postprocessEspeak,
  preservePunctuation,
  restorePunctuation,
} from '../../../src/kitten/frontend/phonemize.js';

const NATIVE_LIBRARY = ESPEAK_LIBRARY_CANDIDATES.find((p) => existsSync(p));
if (NATIVE_LIBRARY === undefined) {
  console.warn(
    'phonemize.test: libespeak-ng not found, native backend tests skipped (apt-get install espeak-ng)',
  );
}

describe('preservePunctuation', () => {
  it('splits at runs of marks with their surrounding whitespace', () => {
    expect(preservePunctuation('Hello, world!')).toEqual({
      pieces: ['Hello', 'world'],
      marks: [
        { text: ', ', position: 'I' },
        { text: '!', position: 'E' },
      ],
    });
  });

  it('marks a leading run as B and brackets and quotes as marks', () => {
    expect(preservePunctuation('"(Hi)" there.')).toEqual({
      pieces: ['Hi', 'there'],
      marks: [
        { text: '"(', position: 'B' },
        { text: ')" ', position: 'I' },
        { text: '.', position: 'E' },
      ],
    });
  });

  it('treats a line made only of marks as one A mark with nothing to phonemize', () => {
    expect(preservePunctuation('...')).toEqual({
      pieces: [],
      marks: [{ text: '...', position: 'A' }],
    });
  });

  it('keeps text without marks as a single piece', () => {
    expect(preservePunctuation('no marks - here')).toEqual({
      pieces: ['no marks - here'],
      marks: [],
    });
  });
});

describe('restorePunctuation', () => {
  it('puts marks back with their spaces and ends with a word separator', () => {
    const { marks } = preservePunctuation('Hello, world!');
    expect(restorePunctuation(['həlˈoʊ ', 'wˈɜːld '], marks)).toBe('həlˈoʊ, wˈɜːld! ');
  });

  it('returns a mark-only line without a trailing space', () => {
    expect(restorePunctuation([], [{ text: '...', position: 'A' }])).toBe('...');
  });

  it('adds the trailing space when no end mark does', () => {
    const { marks } = preservePunctuation('(a) b');
    expect(restorePunctuation(['ˈeɪ ', 'bˈiː '], marks)).toBe('(ˈeɪ) bˈiː ');
  });

  it('copes with a piece espeak gave nothing for', () => {
    const { marks } = preservePunctuation("', x.");
    expect(restorePunctuation(['', 'ˈɛks '], marks)).toBe(', ˈɛks. ');
  });
});

describe('postprocessEspeak', () => {
  it('removes phoneme separators and ends every word with one space', () => {
    expect(postprocessEspeak('h_ə_l_ˈoʊ w_ˈɜː_l_d')).toBe('həlˈoʊ wˈɜːld ');
  });

  it('repairs espeak doubled separators and joins clauses', () => {
    expect(postprocessEspeak('ˈɛ_k_s__ w_ˈaɪ z_ˈiː')).toBe('ˈɛks wˈaɪ zˈiː ');
    expect(postprocessEspeak('a_b\nc_d')).toBe('ab cd ');
  });

  it('gives nothing for empty output', () => {
    expect(postprocessEspeak('')).toBe('');
    expect(postprocessEspeak(' \n ')).toBe('');
  });
});

const backends = [
  { backend: 'wasm' as const, available: true },
  { backend: 'native' as const, available: NATIVE_LIBRARY !== undefined },
];

describe.each(backends)('createPhonemizer($backend)', ({ backend, available }) => {
  it.skipIf(!available)(
    'phonemizes like Python phonemizer with preserved punctuation',
    async () => {
      const phonemizer = await createPhonemizer({ backend });
      expect(phonemizer.backend).toBe(backend);
      expect(await phonemizer.phonemize('Hello, world!')).toBe('həlˈoʊ, wˈɜːld! ');
      expect(await phonemizer.phonemize('(Parentheses) [brackets] are kept.')).toBe(
        '(pɚɹˈɛnθəsˌiːz) [bɹˈækɪts] ɑːɹ kˈɛpt. ',
      );
      expect(await phonemizer.phonemize('...')).toBe('...');
      expect(await phonemizer.phonemize('')).toBe('');
    },
  );

  it.skipIf(!available)(
    'answers repeated pieces from its cache with the same phonemes',
    async () => {
      const phonemizer = await createPhonemizer({ backend, cacheEntries: 2 });
      const first = await phonemizer.phonemize('The quick brown fox, the quick brown fox.');
      expect(first).toBe('ðə kwˈɪk bɹˈaʊn fˈɑːks, ðə kwˈɪk bɹˈaʊn fˈɑːks. ');
      expect(await phonemizer.phonemize('The quick brown fox, the quick brown fox.')).toBe(first);
    },
  );
});

describe('createPhonemizer backend choice', () => {
  it('reports the espeak-ng 1.51 build for the native backend', async () => {
    if (NATIVE_LIBRARY === undefined) return console.warn('skipped: no libespeak-ng');
    expect((await createPhonemizer({ backend: 'native' })).version).toBe('1.51');
  });

  it('rejects native when the library is missing, with the path it looked at', async () => {
    await expect(
      createPhonemizer({ backend: 'native', espeakLibraryPath: '/nonexistent/libespeak-ng.so.1' }),
    ).rejects.toThrow(/libespeak-ng not found.*nonexistent/);
  });

  it('falls back to wasm under auto when the library is missing', async () => {
    const phonemizer = await createPhonemizer({
      backend: 'auto',
      espeakLibraryPath: '/nonexistent/libespeak-ng.so.1',
    });
    expect(phonemizer.backend).toBe('wasm');
  });

  it('prefers native under auto when the library exists', async () => {
    if (NATIVE_LIBRARY === undefined) return console.warn('skipped: no libespeak-ng');
    expect((await createPhonemizer()).backend).toBe('native');
  });

  it('names the backend auto picks without loading espeak-ng, as createPhonemizer picks it', async () => {
    const missing = '/nonexistent/libespeak-ng.so.1';
    expect(autoPhonemizerBackend(missing)).toBe('wasm');
    expect(autoPhonemizerBackend()).toBe((await createPhonemizer()).backend);
  });
});

// libespeak-ng is all global state: worker threads must not share one copy of it.
describe.skipIf(NATIVE_LIBRARY === undefined)('native phonemizer in worker threads', () => {
  it('gives the golden phonemes from several threads at once', async () => {
    const rows = readFileSync(new URL('../../fixtures/frontend.jsonl', import.meta.url), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { raw: { text: string; phonemes: string }[] });
    const chunks = rows.flatMap((r) => r.raw.map((c) => ({ text: c.text, phonemes: c.phonemes })));
    const moduleUrl = new URL('../../../src/kitten/frontend/phonemize.ts', import.meta.url).href;
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      (async () => {
        (await import('tsx/esm/api')).register();
        const { createPhonemizer } = await import(workerData.moduleUrl);
        const phonemizer = await createPhonemizer({ backend: 'native', cacheEntries: 0 });
        let mismatches = 0;
        for (let pass = 0; pass < 2; pass++)
          for (const c of workerData.chunks) if ((await phonemizer.phonemize(c.text)) !== c.phonemes) mismatches++;
        parentPort.postMessage(mismatches);
      })().catch((err) => { throw err; });`;
    const results = await Promise.all(
      [0, 1, 2].map(
        () =>
          new Promise<number>((resolve, reject) => {
            const worker = new Worker(code, { eval: true, workerData: { moduleUrl, chunks } });
            worker.once('message', resolve);
            worker.once('error', reject);
          }),
      ),
    );
    expect(results).toEqual([0, 0, 0]);
  });
});
