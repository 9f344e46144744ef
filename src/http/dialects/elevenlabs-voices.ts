// GET /v1/voices in ElevenLabs' shape ({voices: [{voice_id, name, category, labels, …}]}), so
// their clients' voice pickers list ours. NOTE for the merge with issue 28 (saved voices, which
// adds GET/POST/DELETE /v1/voices): this one small module is the ElevenLabs listing; the saved
// voices should join this list here (category "cloned") rather than a second GET /v1/voices.
import { Hono } from 'hono';
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

export function elevenLabsVoiceRoutes(): Hono {
  const app = new Hono();
  app.get('/voices', (c) => c.json({ voices: elevenLabsVoiceList() }));
  return app;
}
