import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { writeNpz } from '../../src/kitten/npz.js';
import {
  DEFAULT_ALIASES,
  VOICES,
  VOICE_KEYS,
  isKnownVoice,
  loadVoiceTables,
  resolveVoice,
  styleRow,
} from '../../src/kitten/voices.js';

/** Rows where every value of row r is r + key index / 10, so a row can be recognised. */
function table(rows: number, keyIndex = 0): { shape: number[]; data: Float32Array } {
  const data = new Float32Array(rows * 256);
  for (let r = 0; r < rows; r++) data.fill(r + keyIndex / 10, r * 256, (r + 1) * 256);
  return { shape: [rows, 256], data };
}

const allKeys = (rows: number) =>
  Object.fromEntries(VOICE_KEYS.map((k, i) => [k, table(rows, i)])) as Record<
    string,
    ReturnType<typeof table>
  >;

/** A .npy with a hand-written header, for dtypes and orders writeNpz does not produce. */
function npy(header: string, body: Uint8Array): Uint8Array {
  const text = header + ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + text.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, text.length, true);
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  out.set(body, 10 + text.length);
  return out;
}

describe('VOICES', () => {
  it('lists the eight seed voices with their exact names, genders and descriptions', () => {
    expect(
      VOICES.map(({ id, name, gender, description }) => ({ id, name, gender, description })),
    ).toEqual([
      { id: 'Bella', name: 'Bella', gender: 'female', description: 'Warm & gentle' },
      { id: 'Jasper', name: 'Jasper', gender: 'male', description: 'Clear & professional' },
      { id: 'Luna', name: 'Luna', gender: 'female', description: 'Soft & melodic' },
      { id: 'Bruno', name: 'Bruno', gender: 'male', description: 'Deep & resonant' },
      { id: 'Rosie', name: 'Rosie', gender: 'female', description: 'Bright & cheerful' },
      { id: 'Hugo', name: 'Hugo', gender: 'male', description: 'Confident & steady' },
      { id: 'Kiki', name: 'Kiki', gender: 'female', description: 'Playful & energetic' },
      { id: 'Leo', name: 'Leo', gender: 'male', description: 'Friendly & warm' },
    ]);
  });

  it('maps the display names to the keys of the 0.8 voice_aliases table', () => {
    expect(DEFAULT_ALIASES).toEqual({
      Bella: 'expr-voice-2-f',
      Jasper: 'expr-voice-2-m',
      Luna: 'expr-voice-3-f',
      Bruno: 'expr-voice-3-m',
      Rosie: 'expr-voice-4-f',
      Hugo: 'expr-voice-4-m',
      Kiki: 'expr-voice-5-f',
      Leo: 'expr-voice-5-m',
    });
    expect(VOICE_KEYS).toHaveLength(8);
    expect(new Set(Object.values(DEFAULT_ALIASES))).toEqual(new Set(VOICE_KEYS));
  });
});

describe('isKnownVoice', () => {
  it('accepts display names and expr-voice keys, case-sensitively', () => {
    expect(isKnownVoice('Bella')).toBe(true);
    expect(isKnownVoice('expr-voice-5-m')).toBe(true);
    expect(isKnownVoice('bella')).toBe(false);
    expect(isKnownVoice('constructor')).toBe(false);
    expect(isKnownVoice(7)).toBe(false);
  });
});

describe('resolveVoice', () => {
  const nanoPriors = Object.fromEntries(
    VOICE_KEYS.map((k) => [k, k === 'expr-voice-4-m' ? 0.9 : 0.8]),
  );

  it('resolves an alias once and applies the speed prior rounded to float32', () => {
    expect(resolveVoice('Jasper', DEFAULT_ALIASES, nanoPriors, 1)).toEqual({
      key: 'expr-voice-2-m',
      speed: 0.800000011920929,
    });
    expect(resolveVoice('Hugo', DEFAULT_ALIASES, nanoPriors, 1.1).speed).toBe(
      Math.fround(1.1 * 0.9),
    );
  });

  it('rounds the speed to float32 when the model has no prior', () => {
    expect(resolveVoice('expr-voice-3-f', DEFAULT_ALIASES, {}, 1.1)).toEqual({
      key: 'expr-voice-3-f',
      speed: Math.fround(1.1),
    });
  });

  it('does not resolve aliases twice or ignore case', () => {
    const chained = { A: 'Bella', ...DEFAULT_ALIASES };
    expect(() => resolveVoice('A', chained, {}, 1)).toThrow("Voice 'Bella' not available");
    expect(() => resolveVoice('bella', DEFAULT_ALIASES, {}, 1)).toThrow(
      /Choose from: \['expr-voice-2-m', /,
    );
  });

  it('ignores names inherited from Object.prototype', () => {
    expect(() => resolveVoice('toString', {}, {}, 1)).toThrow("Voice 'toString' not available");
  });
});

describe('loadVoiceTables', () => {
  it('reads every voice as a rows × 256 float32 table', () => {
    const tables = loadVoiceTables(writeNpz(allKeys(400)));
    expect([...tables.keys()].sort()).toEqual([...VOICE_KEYS].sort());
    const leo = tables.get('expr-voice-5-m')!;
    expect(leo.rows).toBe(400);
    expect(leo.data).toHaveLength(400 * 256);
    expect(leo.data[399 * 256]).toBeCloseTo(399.6, 4);
  });

  it('accepts the (1, 256) tables of the 0.1 models', () => {
    expect(loadVoiceTables(writeNpz(allKeys(1))).get('expr-voice-2-f')!.rows).toBe(1);
  });

  it('rejects a wrong column count or rank', () => {
    expect(() =>
      loadVoiceTables(
        writeNpz({ 'expr-voice-2-m': { shape: [4, 128], data: new Float32Array(512) } }),
      ),
    ).toThrow("voices file entry 'expr-voice-2-m' has shape (4, 128); expected (rows, 256)");
    expect(() =>
      loadVoiceTables(
        writeNpz({ 'expr-voice-2-m': { shape: [256], data: new Float32Array(256) } }),
      ),
    ).toThrow('has shape (256)');
  });

  it('rejects a dtype other than little-endian float32', () => {
    const body = new Uint8Array(2 * 256 * 8);
    const bytes = zipSync({
      'expr-voice-2-m.npy': npy(
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 256), }",
        body,
      ),
    });
    expect(() => loadVoiceTables(bytes)).toThrow(
      "has dtype '<f8'; expected little-endian float32 ('<f4')",
    );
  });

  it('rejects Fortran order', () => {
    const body = new Uint8Array(2 * 256 * 4);
    const bytes = zipSync({
      'expr-voice-2-m.npy': npy(
        "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 256), }",
        body,
      ),
    });
    expect(() => loadVoiceTables(bytes)).toThrow('Fortran order');
  });

  it('rejects non-finite values unless asked not to check', () => {
    const t = table(3);
    t.data[300] = Number.NaN;
    const bytes = writeNpz({ 'expr-voice-2-m': t });
    expect(() => loadVoiceTables(bytes)).toThrow('non-finite value at row 1');
    expect(loadVoiceTables(bytes, { checkFinite: false }).get('expr-voice-2-m')!.rows).toBe(3);
  });

  it('rejects a file without any expr-voice key, or one that is not a zip', () => {
    expect(() => loadVoiceTables(writeNpz({ other: table(2) }))).toThrow(
      'none of the expr-voice-* keys (found: other)',
    );
    expect(() => loadVoiceTables(new TextEncoder().encode('not a zip'))).toThrow(
      'cannot read voices file',
    );
  });
});

describe('styleRow', () => {
  const t = loadVoiceTables(writeNpz({ 'expr-voice-2-m': table(400) })).get('expr-voice-2-m')!;

  it('picks the row at the chunk length in code points', () => {
    expect(styleRow(t, 'Hello,')[0]).toBe(6);
    expect(styleRow(t, '')[0]).toBe(0);
    // Two astral characters are four UTF-16 units but two code points, as Python len() counts.
    expect(styleRow(t, '😀😀')[0]).toBe(2);
  });

  it('clamps to the last row and returns a 256-value copy', () => {
    const row = styleRow(t, 'x'.repeat(1000));
    expect(row).toHaveLength(256);
    expect(row[255]).toBe(399);
    row[0] = -1;
    expect(t.data[399 * 256]).toBe(399);
  });

  it('always uses the single row of a 0.1 table', () => {
    const one = loadVoiceTables(writeNpz({ 'expr-voice-2-m': table(1) })).get('expr-voice-2-m')!;
    expect(styleRow(one, 'a long chunk')[0]).toBe(0);
  });
});
