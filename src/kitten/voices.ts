// The eight KittenTTS voices: display names, voice resolution (alias → key → speed prior) and the
// style tables of voices.npz with the per-chunk style row rule (upstream's onnx_model.py:
// row = min(len(chunk text), rows − 1)).
import { readNpz } from './npz.js';

export interface VoiceInfo {
  /** Display name, also the alias accepted by the API. */
  readonly id: string;
  readonly name: string;
  readonly gender: 'female' | 'male';
  readonly description: string;
  /** The expr-voice-* key the alias resolves to in every 0.8 config.json. */
  readonly key: string;
}

/** The display voices in the seed's order, as GET /api/voices lists them. */
export const VOICES: readonly VoiceInfo[] = Object.freeze([
  {
    id: 'Bella',
    name: 'Bella',
    gender: 'female',
    description: 'Warm & gentle',
    key: 'expr-voice-2-f',
  },
  {
    id: 'Jasper',
    name: 'Jasper',
    gender: 'male',
    description: 'Clear & professional',
    key: 'expr-voice-2-m',
  },
  {
    id: 'Luna',
    name: 'Luna',
    gender: 'female',
    description: 'Soft & melodic',
    key: 'expr-voice-3-f',
  },
  {
    id: 'Bruno',
    name: 'Bruno',
    gender: 'male',
    description: 'Deep & resonant',
    key: 'expr-voice-3-m',
  },
  {
    id: 'Rosie',
    name: 'Rosie',
    gender: 'female',
    description: 'Bright & cheerful',
    key: 'expr-voice-4-f',
  },
  {
    id: 'Hugo',
    name: 'Hugo',
    gender: 'male',
    description: 'Confident & steady',
    key: 'expr-voice-4-m',
  },
  {
    id: 'Kiki',
    name: 'Kiki',
    gender: 'female',
    description: 'Playful & energetic',
    key: 'expr-voice-5-f',
  },
  { id: 'Leo', name: 'Leo', gender: 'male', description: 'Friendly & warm', key: 'expr-voice-5-m' },
] as const);

/** Upstream's hard-coded voice list, in its order (also the sherpa speaker-id order). */
export const VOICE_KEYS = Object.freeze([
  'expr-voice-2-m',
  'expr-voice-2-f',
  'expr-voice-3-m',
  'expr-voice-3-f',
  'expr-voice-4-m',
  'expr-voice-4-f',
  'expr-voice-5-m',
  'expr-voice-5-f',
] as const);

/** The voice_aliases table every 0.8 config.json carries. */
export const DEFAULT_ALIASES: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(VOICES.map((v) => [v.id, v.key])),
);

/** Columns of a style row: the model's `style` input is [1, 256]. */
export const STYLE_DIM = 256;

export class VoiceError extends Error {
  override readonly name = 'VoiceError';
}

const keySet: ReadonlySet<string> = new Set(VOICE_KEYS);
const nameSet: ReadonlySet<string> = new Set(VOICES.map((v) => v.id));

/** True for a display name (case-sensitive, as upstream) or an expr-voice-* key. */
export function isKnownVoice(voice: unknown): boolean {
  return typeof voice === 'string' && (nameSet.has(voice) || keySet.has(voice));
}

/**
 * Upstream `_prepare_inputs`: resolve an alias once, require one of the eight keys, then apply the
 * model's speed prior. The product is taken in float64 and rounded to float32 as numpy stores it.
 */
export function resolveVoice(
  voice: string,
  aliases: Readonly<Record<string, string>>,
  priors: Readonly<Record<string, number>>,
  speed: number,
): { key: string; speed: number } {
  // Object.hasOwn: a voice named "constructor" must not resolve through the prototype.
  const key = Object.hasOwn(aliases, voice) ? aliases[voice]! : voice;
  if (!keySet.has(key)) {
    // Names the voice after alias resolution, as upstream does.
    const choices = `[${VOICE_KEYS.map((k) => `'${k}'`).join(', ')}]`;
    const names = Object.keys(aliases);
    const also = names.length > 0 ? ` or one of the names ${names.join(', ')}` : '';
    throw new VoiceError(`Voice '${key}' not available. Choose from: ${choices}${also}`);
  }
  const prior = Object.hasOwn(priors, key) ? priors[key]! : 1;
  return { key, speed: Math.fround(speed * prior) };
}

export interface VoiceTable {
  /** Style rows: 400 for 0.8 models, 1 for 0.1/0.2. */
  readonly rows: number;
  /** rows × 256 float32, row-major. */
  readonly data: Float32Array;
}

export interface LoadVoiceTablesOptions {
  /** Reject NaN/±Infinity in the tables (a corrupt file would otherwise give silent NaN audio). */
  checkFinite?: boolean;
}

/** Parses voices.npz into style tables, rejecting anything but C-order '<f4' arrays of shape (rows, 256). */
export function loadVoiceTables(
  bytes: Uint8Array,
  options: LoadVoiceTablesOptions = {},
): Map<string, VoiceTable> {
  const checkFinite = options.checkFinite ?? true;
  let arrays: ReturnType<typeof readNpz>;
  try {
    arrays = readNpz(bytes);
  } catch (err) {
    throw new VoiceError(`cannot read voices file: ${(err as Error).message}`);
  }
  const tables = new Map<string, VoiceTable>();
  for (const [key, arr] of arrays) {
    const where = `voices file entry '${key}'`;
    if (arr.descr !== '<f4' || !(arr.data instanceof Float32Array)) {
      throw new VoiceError(
        `${where} has dtype '${arr.descr}'; expected little-endian float32 ('<f4')`,
      );
    }
    if (arr.fortranOrder)
      throw new VoiceError(`${where} is stored in Fortran order; expected C order`);
    const [rows, cols] = arr.shape;
    if (arr.shape.length !== 2 || rows === undefined || cols !== STYLE_DIM || rows < 1) {
      throw new VoiceError(
        `${where} has shape (${arr.shape.join(', ')}); expected (rows, ${STYLE_DIM}) with rows ≥ 1`,
      );
    }
    if (checkFinite) {
      const bad = arr.data.findIndex((x) => !Number.isFinite(x));
      if (bad >= 0) {
        throw new VoiceError(
          `${where} holds a non-finite value at row ${Math.floor(bad / STYLE_DIM)}`,
        );
      }
    }
    tables.set(key, { rows, data: arr.data });
  }
  if (!VOICE_KEYS.some((k) => tables.has(k))) {
    const found = [...arrays.keys()].slice(0, 8).join(', ') || 'no arrays';
    throw new VoiceError(`voices file holds none of the expr-voice-* keys (found: ${found})`);
  }
  return tables;
}

/**
 * Style for one chunk: row min(code points of the chunk, rows - 1). Code points, not UTF-16
 * units: upstream takes Python len() of the exact chunk string (comma from ensure_punctuation included).
 */
export function styleRow(table: VoiceTable, chunkText: string): Float32Array {
  const last = table.rows - 1;
  let length = 0;
  for (const _ of chunkText) {
    if (length >= last) break;
    length++;
  }
  const row = Math.min(length, last);
  return table.data.slice(row * STYLE_DIM, (row + 1) * STYLE_DIM);
}
