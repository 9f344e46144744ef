// Golden parity: test/fixtures/frontend.jsonl was made by upstream KittenTTS main@9f3e0d8 with
// Python phonemizer 3.3 and Debian 12's libespeak-ng 1.51. Chunk texts and style rows must match
// exactly; input_ids on at least 99.5% of chunks, with every other chunk listed here with its cause.
import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runFrontend, type FrontendChunk } from '../../../src/kitten/frontend/frontend.js';
import {
  createPhonemizer,
  ESPEAK_LIBRARY_CANDIDATES,
  type Phonemizer,
} from '../../../src/kitten/frontend/phonemize.js';

interface GoldenChunk {
  text: string;
  style_row: number;
  phonemes: string;
  input_ids: number[];
}
interface GoldenRow {
  id: string;
  text: string;
  normalized: string;
  clean: GoldenChunk[];
  raw: GoldenChunk[];
}
type Mode = 'clean' | 'raw';
interface Mismatch {
  id: string;
  mode: Mode;
  chunk: string;
}

const ROWS: GoldenRow[] = readFileSync(
  new URL('../../fixtures/frontend.jsonl', import.meta.url),
  'utf8',
)
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as GoldenRow);

const HAS_NATIVE = ESPEAK_LIBRARY_CANDIDATES.some((p) => existsSync(p));
if (!HAS_NATIVE)
  console.warn('frontend-golden: libespeak-ng not found, native backend parity skipped');

// Cause of every WASM mismatch: the npm WASM build exposes only espeak's phoneme *trace*, written
// during synthesis after the intonation pass, which gives a clause's tonic syllable primary stress
// (and can move it); Python phonemizer calls espeak_TextToPhonemes, which reports lexical stress.
// So these chunks differ only in ˈ/ˌ placement, e.g. "wˌʌt?" (1.51 native) vs "wˈʌt?" (WASM).
const WASM_STRESS_MISMATCHES: Mismatch[] = [
  { id: 'hand-018', mode: 'raw', chunk: 'Wait — what?' },
  { id: 'hand-018', mode: 'clean', chunk: 'wait — what?' },
  { id: 'hand-039', mode: 'raw', chunk: 'Hmm, let me think about that for a second.' },
  { id: 'hand-039', mode: 'clean', chunk: 'hmm, let me think about that for a second.' },
  { id: 'hand-051', mode: 'raw', chunk: 'Multiple!!!' },
  { id: 'hand-051', mode: 'clean', chunk: 'multiple!!!' },
  { id: 'science-409', mode: 'clean', chunk: 'supervisor: you mean "no", do not you?' },
  { id: 'literature-146', mode: 'raw', chunk: 'question = ( to ) ?' },
  { id: 'literature-146', mode: 'clean', chunk: 'question = ( to ) ?' },
  {
    id: 'computers-68',
    mode: 'raw',
    chunk:
      'But however the selection process works, the result is indisputable: "This time it will surely run," or "I just found the last bug." -- Frederick Brooks, "The Mythical Man Month",',
  },
  {
    id: 'computers-68',
    mode: 'clean',
    chunk:
      'but however the selection process works, the result is indisputable: "this time it will surely run," or "i just found the last bug." -- frederick brooks, "the mythical man month",',
  },
  { id: 'work-38', mode: 'raw', chunk: 'You?' },
  { id: 'work-38', mode: 'clean', chunk: 'you?' },
  {
    id: 'wisdom-8',
    mode: 'raw',
    chunk:
      'A man said to the Universe: "Sir, I exist!" "However," replied the Universe, "the fact has not created in me a sense of obligation." -- Stephen Crane,',
  },
  {
    id: 'wisdom-8',
    mode: 'clean',
    chunk:
      'a man said to the universe: "sir, i exist!" "however," replied the universe, "the fact has not created in me a sense of obligation." -- stephen crane,',
  },
  {
    id: 'literature-57',
    mode: 'raw',
    chunk: 'And if one can neither think nor feel, she thought, where is one?',
  },
  {
    id: 'literature-57',
    mode: 'clean',
    chunk: 'and if one can neither think nor feel, she thought, where is one?',
  },
];

const EXPECTED: { backend: 'native' | 'wasm'; available: boolean; mismatches: Mismatch[] }[] = [
  { backend: 'native', available: HAS_NATIVE, mismatches: [] },
  { backend: 'wasm', available: true, mismatches: WASM_STRESS_MISMATCHES },
];

const withoutStress = (s: string) => s.replace(/[ˈˌ]/g, '');

describe.each(EXPECTED)(
  'front-end golden parity ($backend)',
  ({ backend, available, mismatches }) => {
    const results = new Map<string, Record<Mode, FrontendChunk[]>>();
    let phonemizer: Phonemizer;

    beforeAll(async () => {
      if (!available) return;
      phonemizer = await createPhonemizer({ backend });
      for (const row of ROWS) {
        results.set(row.id, {
          clean: await runFrontend(row.text, phonemizer, { normalize: true, strict: true }),
          raw: await runFrontend(row.text, phonemizer, { normalize: false }),
        });
      }
    }, 180_000);

    it.skipIf(!available)('matches every chunk text and style row in both modes', () => {
      for (const row of ROWS) {
        for (const mode of ['clean', 'raw'] as const) {
          const got = results.get(row.id)![mode].map((c) => [c.text, c.styleRow]);
          expect(got, `${row.id} ${mode}`).toEqual(row[mode].map((c) => [c.text, c.style_row]));
        }
      }
    });

    it.skipIf(!available)(
      'matches input_ids on at least 99.5% of chunks, the rest being the listed ones',
      () => {
        for (const mode of ['clean', 'raw'] as const) {
          const found: Mismatch[] = [];
          let total = 0;
          for (const row of ROWS) {
            row[mode].forEach((want, i) => {
              total++;
              const got = results.get(row.id)![mode][i]!;
              if (JSON.stringify(got.inputIds) === JSON.stringify(want.input_ids)) return;
              found.push({ id: row.id, mode, chunk: want.text });
              // Every known mismatch is a stress-mark difference and nothing else.
              expect(withoutStress(got.phonemes), `${row.id} ${mode}`).toBe(
                withoutStress(want.phonemes),
              );
            });
          }
          expect(found).toEqual(mismatches.filter((m) => m.mode === mode));
          const matched = (total - found.length) / total;
          if (backend === 'native') expect(matched).toBeGreaterThanOrEqual(0.995);
          console.info(
            `${backend} ${mode}: input_ids identical on ${total - found.length}/${total} chunks`,
          );
        }
      },
    );
  },
);
