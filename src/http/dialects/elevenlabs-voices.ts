// The built-in voices in ElevenLabs' listing shape ({voice_id, name, category, labels, …}), so
// their clients' voice pickers list ours; GET /v1/voices (voices.ts) answers with these, our own
// fields beside theirs, then the saved voices.
import { VOICES } from '../../kitten/voices.js';

export function elevenLabsVoiceList(): Array<Record<string, unknown>> {
  return VOICES.map((v) => ({
    voice_id: v.id,
    name: v.name,
    category: 'premade',
    description: v.description,
    labels: { gender: v.gender, description: v.description },
    preview_url: null,
    available_for_tiers: [],
    settings: null,
  }));
}
