// How OpenAI's speech vocabulary lands on ours: its model ids, voice names and speed range. A
// client written for OpenAI keeps working unmodified; the tables are documented in docs/openai.md.
import { VOICES, isKnownVoice } from '../kitten/voices.js';

/** OpenAI's speech models; each runs on the server's default model (see resolveOpenAiModel). */
export const OPENAI_MODEL_ALIASES: readonly string[] = Object.freeze([
  'tts-1',
  'tts-1-hd',
  'gpt-4o-mini-tts',
  'gpt-4o-mini-tts-2025-12-15',
]);

/**
 * OpenAI voice → our voice, matched by gender and character (alloy is neutral; our default
 * Bella is the closest). Thirteen names onto eight voices, so some share one.
 */
export const OPENAI_VOICE_MAP: Readonly<Record<string, string>> = Object.freeze({
  alloy: 'Bella',
  ash: 'Jasper',
  ballad: 'Leo',
  coral: 'Rosie',
  echo: 'Hugo',
  fable: 'Leo',
  onyx: 'Bruno',
  nova: 'Kiki',
  sage: 'Luna',
  shimmer: 'Luna',
  verse: 'Jasper',
  marin: 'Bella',
  cedar: 'Hugo',
});

/** OpenAI accepts 0.25–4.0; the model's length scale is valid for 0.25–3.0. */
export const OPENAI_SPEED_MIN = 0.25;
export const OPENAI_SPEED_MAX = 4.0;
export const MODEL_SPEED_MAX = 3.0;

/** Our voice name for an OpenAI name, one of ours (any case), or an expr-voice key; else undefined. */
export function resolveOpenAiVoice(name: string): string | undefined {
  const lower = name.toLowerCase();
  const mapped = Object.hasOwn(OPENAI_VOICE_MAP, lower) ? OPENAI_VOICE_MAP[lower] : undefined;
  if (mapped) return mapped;
  if (isKnownVoice(name)) return name;
  return VOICES.find((v) => v.id.toLowerCase() === lower)?.id;
}

/**
 * Our model id for a requested one. OpenAI's ids all run on the server's default model: an
 * operator chooses which model is served, and a client hard-coding `tts-1` should get that model
 * rather than trigger a download of a different one.
 */
export function resolveOpenAiModel(
  name: string,
  ourIds: readonly string[],
  defaultId: string,
): string | undefined {
  if (ourIds.includes(name)) return name;
  return OPENAI_MODEL_ALIASES.includes(name) ? defaultId : undefined;
}

/** Speeds above what the model can do are clamped (4.0 plays like 3.0); the rest pass unchanged. */
export function mapOpenAiSpeed(speed: number): number {
  return Math.min(speed, MODEL_SPEED_MAX);
}
