// Voice blends against the stand-in model's real voices.npz: parsing, the normalized weighted mean
// of the style rows (the row each voice would use for the chunk), and the priors' weighted mean.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  blendStyleRow,
  parseBlend,
  resolveBlend,
  voiceProblem,
} from '../../src/kitten/voice-blend.js';
import { DEFAULT_ALIASES, STYLE_DIM, loadVoiceTables, styleRow } from '../../src/kitten/voices.js';
import { TINY_DIR } from '../helpers/gateway.js';

const tables = () => loadVoiceTables(readFileSync(path.join(TINY_DIR, 'voices.npz')));
const resolve = (voice: string, speed = 1, saved?: (n: string) => string | undefined) =>
  resolveBlend(voice, DEFAULT_ALIASES, {}, speed, saved);

describe('parseBlend', () => {
  it('reads names with and without weights, a bare name weighing 1', () => {
    expect(parseBlend('Luna(2)+ Jasper')).toEqual([
      { name: 'Luna', weight: 2 },
      { name: 'Jasper', weight: 1 },
    ]);
  });

  it('takes a space before a name as a plus, as a URL query decodes one', () => {
    expect(parseBlend('Luna(2) Jasper')).toEqual(parseBlend('Luna(2)+Jasper'));
    expect(parseBlend(' Luna (2) ')).toEqual([{ name: 'Luna', weight: 2 }]);
  });

  it('names the part that is not a voice or Name(weight)', () => {
    expect(() => parseBlend('Luna(2)+Jasper(x)')).toThrow(/'Jasper\(x\)'/);
    expect(() => parseBlend('Luna+')).toThrow(/'\(empty\)'/);
    expect(() => parseBlend('Luna(0)')).toThrow(/weight of 'Luna' must be > 0/);
  });

  it('refuses more than eight parts', () => {
    expect(() => parseBlend(Array(9).fill('Luna').join('+'))).toThrow(/at most 8/);
  });
});

describe('blendStyleRow', () => {
  it('gives a voice blended with itself exactly its own style row', () => {
    const t = tables();
    const luna = t.get('expr-voice-3-f')!;
    for (const text of ['Hi.', 'A somewhat longer chunk of text to pick another row.']) {
      const own = styleRow(luna, text);
      expect(blendStyleRow(t, resolve('Luna(1)+Luna(1)').mix, text)).toEqual(own);
      expect(blendStyleRow(t, resolve('Luna(0.3)+Luna(5)').mix, text)).toEqual(own);
    }
  });

  it('is the normalized weighted mean of the rows each voice would use for the chunk', () => {
    const t = tables();
    const text = 'Hello there, how are you?';
    const luna = styleRow(t.get('expr-voice-3-f')!, text);
    const jasper = styleRow(t.get('expr-voice-2-m')!, text);
    const blend = blendStyleRow(t, resolve('Luna(2)+Jasper(1)').mix, text);
    expect(blend).toHaveLength(STYLE_DIM);
    const expected = Float32Array.from(luna, (x, i) => (2 * x + jasper[i]!) / 3);
    for (let i = 0; i < STYLE_DIM; i++) expect(blend[i]).toBeCloseTo(expected[i]!, 6);
    expect(blend).not.toEqual(luna);
  });
});

describe('resolveBlend', () => {
  it('combines speed priors as the weighted mean, a single voice getting its own exactly', () => {
    const priors = { 'expr-voice-3-f': 0.8, 'expr-voice-2-m': 1.2 };
    const of = (v: string) => resolveBlend(v, DEFAULT_ALIASES, priors, 1.5).speed;
    expect(of('Luna+Luna')).toBe(Math.fround(1.5 * 0.8));
    expect(of('Luna(3)+Jasper(1)')).toBe(Math.fround(1.5 * (0.75 * 0.8 + 0.25 * 1.2)));
  });

  it('expands a saved voice into its blend', () => {
    const saved = (n: string) => (n === 'Narrator' ? 'Luna(2)+Jasper(1)' : undefined);
    expect(resolve('Narrator', 1, saved)).toEqual(resolve('Jasper+Luna(2)'));
    const mixed = resolve('Narrator(3)+Leo(1)', 1, saved).mix;
    expect(mixed.map((m) => m.key)).toEqual(['expr-voice-2-m', 'expr-voice-3-f', 'expr-voice-5-m']);
    expect(mixed.map((m) => m.weight)).toEqual([0.25, 0.5, 0.25]);
  });

  it('says which name is unknown', () => {
    expect(voiceProblem('Luna+Nobody')).toMatch(/Voice 'Nobody' not available/);
    expect(voiceProblem('Luna(2)+Jasper')).toBeUndefined();
  });
});
