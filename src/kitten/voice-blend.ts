// Voice blends: "Luna(2)+Jasper(1)" is the weighted mean of the voices' style vectors, weights
// normalized. Parsing and resolution are pure and run on the gateway's side; the resolved voice
// (keys, normalized weights, effective speed) is plain data that crosses into the worker, where
// blendStyleRow mixes the style rows each chunk would have used on its own.
import {
  DEFAULT_ALIASES,
  STYLE_DIM,
  VOICE_KEYS,
  VoiceError,
  resolveVoice,
  styleRow,
  type VoiceTable,
} from './voices.js';

/** Most voices one blend may name (saved voices expanded). */
export const MAX_BLEND_PARTS = 8;
/** Weights are decimals in (0, MAX_BLEND_WEIGHT]. */
export const MAX_BLEND_WEIGHT = 1000;
/** Longest voice string (a name or a blend) accepted. */
export const MAX_VOICE_CHARS = 256;

/** A voice name: a display name, an expr-voice-* key, or a saved voice's name. */
export const VOICE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export interface BlendPart {
  readonly name: string;
  readonly weight: number;
}

/** One component of a resolved voice: an expr-voice-* key and its normalized weight. */
export interface VoiceWeight {
  readonly key: string;
  readonly weight: number;
}

/** A voice as the model gets it: plain data, the same for a blend and its saved name. */
export interface ResolvedVoice {
  /** Sorted by key, merged, weights summing to 1 (exactly [{key, 1}] for a single voice). */
  readonly mix: readonly VoiceWeight[];
  /** The requested speed times the mix's speed prior (float32, as upstream stores it). */
  readonly speed: number;
}

/** A saved voice's blend by name, or undefined (no saved voices: the library and CLI). */
export type SavedVoiceLookup = (name: string) => string | undefined;

const PART = /^\s*([A-Za-z][A-Za-z0-9_-]{0,63})\s*(?:\(\s*([0-9]+(?:\.[0-9]+)?)\s*\))?\s*$/;

/** Splits a voice string into its named parts; throws VoiceError naming the problem. */
export function parseBlend(voice: string): BlendPart[] {
  if (voice.length > MAX_VOICE_CHARS) {
    throw new VoiceError(`voice is longer than ${MAX_VOICE_CHARS} characters`);
  }
  // A '+' in a URL query reads as a space, so a space before a name separates parts too.
  const pieces = voice.trim().split(/\s*\+\s*|\s+(?=[A-Za-z])/);
  if (pieces.length > MAX_BLEND_PARTS) {
    throw new VoiceError(`a blend may name at most ${MAX_BLEND_PARTS} voices`);
  }
  return pieces.map((piece) => {
    const m = PART.exec(piece);
    if (!m) {
      const shown = piece.trim().slice(0, 40) || '(empty)';
      throw new VoiceError(`'${shown}' is not a voice name or Name(weight) with a decimal weight`);
    }
    const weight = m[2] === undefined ? 1 : Number(m[2]);
    if (!(weight > 0 && weight <= MAX_BLEND_WEIGHT)) {
      throw new VoiceError(`weight of '${m[1]}' must be > 0 and ≤ ${MAX_BLEND_WEIGHT}`);
    }
    return { name: m[1]!, weight };
  });
}

const keySet: ReadonlySet<string> = new Set(VOICE_KEYS);

/** The expr-voice-* key a built-in name or key stands for, or undefined. */
function builtInKey(name: string, aliases: Readonly<Record<string, string>>): string | undefined {
  const key = Object.hasOwn(aliases, name) ? aliases[name]! : name;
  return keySet.has(key) ? key : undefined;
}

/** Raw (unnormalized) weights per key; saved voices expand into their own normalized mix. */
function rawWeights(
  voice: string,
  aliases: Readonly<Record<string, string>>,
  saved: SavedVoiceLookup | undefined,
): Map<string, number> {
  const weights = new Map<string, number>();
  const add = (key: string, w: number) => weights.set(key, (weights.get(key) ?? 0) + w);
  for (const part of parseBlend(voice)) {
    const key = builtInKey(part.name, aliases);
    if (key !== undefined) {
      add(key, part.weight);
      continue;
    }
    const blend = saved?.(part.name);
    if (blend === undefined) {
      // resolveVoice's message lists the choices, as upstream's does.
      resolveVoice(part.name, aliases, {}, 1);
      throw new VoiceError(`Voice '${part.name}' not available`);
    }
    // Saved voices hold blends of built-ins only (checked when saved), so this does not recurse.
    const inner = rawWeights(blend, aliases, undefined);
    const total = sum(inner.values());
    for (const [k, w] of inner) add(k, (w / total) * part.weight);
  }
  return weights;
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

/**
 * Resolves a voice string (a name, a key, a saved name or a blend) to its normalized mix and
 * effective speed. Speed priors combine as the weighted mean of the parts' priors (same weights as
 * the style vectors); a single voice gets exactly its own prior, as resolveVoice gives it.
 */
export function resolveBlend(
  voice: string,
  aliases: Readonly<Record<string, string>>,
  priors: Readonly<Record<string, number>>,
  speed: number,
  saved?: SavedVoiceLookup,
): ResolvedVoice {
  const weights = rawWeights(voice, aliases, saved);
  const total = sum(weights.values());
  const mix = [...weights]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, w]) => ({ key, weight: w / total }));
  if (mix.length === 1)
    return {
      mix: [{ key: mix[0]!.key, weight: 1 }],
      speed: Math.fround(speed * priorOf(priors, mix[0]!.key)),
    };
  let prior = 0;
  for (const { key, weight } of mix) prior += weight * priorOf(priors, key);
  return { mix, speed: Math.fround(speed * prior) };
}

function priorOf(priors: Readonly<Record<string, number>>, key: string): number {
  return Object.hasOwn(priors, key) ? priors[key]! : 1;
}

/**
 * The style row a chunk gets from a mix: each part's row (chosen by the chunk's length, as for a
 * single voice) weighted and summed in float64, then rounded to float32. A single voice's row is
 * returned bit for bit.
 */
export function blendStyleRow(
  tables: ReadonlyMap<string, VoiceTable>,
  mix: readonly VoiceWeight[],
  chunkText: string,
): Float32Array {
  const rows = mix.map(({ key, weight }) => {
    const table = tables.get(key);
    if (!table) throw new VoiceError(`Voice '${key}' is not in this model's voices file.`);
    return { row: styleRow(table, chunkText), weight };
  });
  if (rows.length === 1 && rows[0]!.weight === 1) return rows[0]!.row;
  const acc = new Float64Array(STYLE_DIM);
  for (const { row, weight } of rows)
    for (let i = 0; i < STYLE_DIM; i++) acc[i]! += weight * row[i]!;
  return Float32Array.from(acc);
}

/**
 * Why a voice string would not resolve (a bad blend, an unknown name), or undefined when it
 * would: the doors' check, made before any work starts, against the default aliases every 0.8
 * model carries.
 */
export function voiceProblem(voice: unknown, saved?: SavedVoiceLookup): string | undefined {
  if (typeof voice !== 'string') return 'must be a string';
  try {
    resolveBlend(voice, DEFAULT_ALIASES, {}, 1, saved);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
