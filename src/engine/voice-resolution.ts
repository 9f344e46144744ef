// A request's voice (a name, key, saved name or blend) against the model's aliases and speed
// priors; a voice that does not resolve is the client's mistake (400 invalid_voice).
import { BadRequestError } from '../errors.js';
import { resolveBlend, type ResolvedVoice, type SavedVoiceLookup } from '../kitten/voice-blend.js';
import type { SynthesisRequest } from './engine.js';
import type { ModelFiles } from './protocol.js';

export function resolveRequestVoice(
  request: Pick<SynthesisRequest, 'voice' | 'speed'>,
  files: ModelFiles,
  savedVoice?: SavedVoiceLookup,
): ResolvedVoice {
  try {
    return resolveBlend(
      request.voice,
      files.voiceAliases,
      files.speedPriors,
      request.speed,
      savedVoice,
    );
  } catch (err) {
    throw new BadRequestError((err as Error).message, 'invalid_voice');
  }
}
