// The answer to `describe`: an `info` event with one TTS program (this gateway) and its voices, in
// the shape of `wyoming`'s info.py (TtsProgram, TtsVoice, Artifact, Attribution). Home Assistant
// takes the first installed program, lists its installed voices by description, and uses the
// streaming events only when `supports_synthesize_streaming` is true.
import { VOICES } from '../kitten/voices.js';
import { GATEWAY_VERSION } from '../ops/version.js';
import type { WyomingEvent } from './event.js';

const KITTEN_ATTRIBUTION = { name: 'KittenML', url: 'https://github.com/KittenML/KittenTTS' };

export interface InfoOptions {
  /** The model every Wyoming synthesis uses. */
  modelId: string;
  /** Its Hugging Face repo, when it is a seed model (its version is read from the name). */
  modelRepo?: string;
}

/** Every TtsProgram and TtsVoice field of info.py, so strict clients find each one. */
export function infoEvent(options: InfoOptions): WyomingEvent {
  const modelVersion = /-(\d+(?:\.\d+)+)/.exec(options.modelRepo ?? '')?.[1] ?? null;
  const voices = VOICES.map((v) => ({
    name: v.id,
    attribution: KITTEN_ATTRIBUTION,
    installed: true,
    description: `${v.name} (${v.gender}): ${v.description}`,
    version: modelVersion,
    languages: ['en'],
    speakers: null,
  }));
  const program = {
    name: 'kittentts',
    attribution: KITTEN_ATTRIBUTION,
    installed: true,
    description: `KittenTTS gateway (${options.modelId})`,
    version: GATEWAY_VERSION,
    voices,
    supports_synthesize_streaming: true,
  };
  return {
    type: 'info',
    data: { asr: [], tts: [program], handle: [], intent: [], wake: [], mic: [], snd: [] },
  };
}
