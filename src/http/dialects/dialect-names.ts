// How a dialect's names become ours: an ElevenLabs or Cartesia `voice_id` is one of our voices
// (display name in any case, or expr-voice-* key), and a foreign `model_id` maps to one of our
// models through KITTENTTS_MODEL_ALIASES, or to the default model when nothing names it.
import { VOICES, isKnownVoice } from '../../kitten/voices.js';

/** Our voice for a dialect's voice id, or undefined when we have no such voice. */
export function dialectVoice(id: string | undefined): string | undefined {
  if (id === undefined) return undefined;
  if (isKnownVoice(id)) return id;
  const lower = id.toLowerCase();
  return VOICES.find((v) => v.id.toLowerCase() === lower)?.id;
}

export interface ModelNames {
  readonly ids: readonly string[];
  readonly defaultId: string;
  readonly aliases: Readonly<Record<string, string>>;
}

/**
 * Our model for a dialect's model id: one of ours by its own id, an alias from the setting, else
 * the default (voice-agent frameworks send their vendor's model names, e.g. `eleven_flash_v2_5`
 * or `sonic-3`, which must not break them).
 */
export function dialectModel(id: string | undefined, names: ModelNames): string {
  if (id === undefined) return names.defaultId;
  if (names.ids.includes(id)) return id;
  const alias = Object.hasOwn(names.aliases, id) ? names.aliases[id] : undefined;
  return alias !== undefined && names.ids.includes(alias) ? alias : names.defaultId;
}
