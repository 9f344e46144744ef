// What a saved voice may be: its name (no built-in shadowed), its blend (built-in voices only, so
// saved voices never refer to each other), and the store's bounds. Shared by both stores.
import { BadRequestError, ConflictError } from '../errors.js';
import { MAX_VOICE_CHARS, VOICE_NAME, voiceProblem } from '../kitten/voice-blend.js';
import { VOICES, VOICE_KEYS } from '../kitten/voices.js';

/** Most saved voices a store holds (each a name ≤ 64 and a blend ≤ 256 characters: ~32 KB). */
export const MAX_SAVED_VOICES = 100;

export interface SavedVoice {
  readonly name: string;
  /** The blend it stands for, as given ("Luna(2)+Jasper(1)"). */
  readonly blend: string;
}

const builtIn: ReadonlySet<string> = new Set(
  [...VOICES.map((v) => v.id), ...VOICE_KEYS].map((n) => n.toLowerCase()),
);

/** True for a built-in display name or expr-voice-* key, in any case. */
export function isBuiltInName(name: string): boolean {
  return builtIn.has(name.toLowerCase());
}

/** Checks a voice to save; throws a 400 naming the problem, or a 409 for a built-in's name. */
export function checkSavedVoice(body: unknown): SavedVoice {
  const { name, voice } = (body ?? {}) as Record<string, unknown>;
  if (typeof name !== 'string' || !VOICE_NAME.test(name)) {
    throw new BadRequestError(
      "name: must be 1–64 letters, digits, '-' or '_', starting with a letter",
    );
  }
  if (isBuiltInName(name)) {
    throw new ConflictError(`name: '${name}' is a built-in voice; choose another name`);
  }
  if (typeof voice !== 'string' || voice.trim() === '') {
    throw new BadRequestError('voice: must be a voice name or a blend such as "Luna(2)+Jasper(1)"');
  }
  if (voice.length > MAX_VOICE_CHARS) {
    throw new BadRequestError(`voice: must be at most ${MAX_VOICE_CHARS} characters`);
  }
  const problem = voiceProblem(voice);
  if (problem !== undefined) {
    throw new BadRequestError(`voice: ${problem.slice(0, 150)} (built-in voices only)`);
  }
  return { name, blend: voice.trim() };
}

/** Parses a stored list (file or Redis hash values), dropping nothing silently: throws on bad data. */
export function parseStored(entries: Iterable<[string, unknown]>): Map<string, string> {
  const voices = new Map<string, string>();
  for (const [name, blend] of entries) {
    if (typeof blend !== 'string' || !VOICE_NAME.test(name) || voiceProblem(blend) !== undefined) {
      throw new Error(`saved voice '${name.slice(0, 64)}' is not a valid name and blend`);
    }
    voices.set(name, blend);
  }
  return voices;
}
