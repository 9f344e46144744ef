// The voices API: GET /v1/voices lists the built-in and saved voices in ElevenLabs' shape
// ({voices: [{voice_id, name, category, labels, …}]}) with our fields beside theirs (LiveKit's and
// Pipecat's ElevenLabs plugins read it); POST /v1/voices saves a
// blend under a name; DELETE /v1/voices/{name} forgets it. Saved voices work wherever a voice name
// does (saved-voices/). Behind the API key like every route when keys are on.
import { Hono } from 'hono';
import { NotFoundError } from '../errors.js';
import { parseBlend } from '../kitten/voice-blend.js';
import { VOICES } from '../kitten/voices.js';
import { checkSavedVoice, isBuiltInName } from '../saved-voices/saved-voice-rules.js';
import type { SavedVoiceStore } from '../saved-voices/saved-voice-store.js';
import { elevenLabsVoiceList } from './dialects/elevenlabs-voices.js';
import { readJson } from './validate.js';

export interface VoicesDeps {
  readonly savedVoices: SavedVoiceStore;
}

/** One voice as GET /v1/voices lists it. */
export interface VoiceListing {
  readonly voice_id: string;
  readonly name: string;
  readonly category: 'premade' | 'saved';
  /** Saved voices: the blend the name stands for. */
  readonly blend?: string;
  /** Built-in voices: as GET /api/voices gives them. */
  readonly gender?: 'female' | 'male';
  readonly description?: string;
  /** Built-in voices: the expr-voice-* key in the model's voices file. */
  readonly key?: string;
}

/**
 * Saved voices in GET /api/voices' shape: the gender of the blend's heaviest voice, and the blend
 * as the description.
 */
export async function seedShapedSavedVoices(
  store: SavedVoiceStore,
): Promise<{ id: string; name: string; gender: 'female' | 'male'; description: string }[]> {
  return (await store.list()).map(({ name, blend }) => {
    const parts = parseBlend(blend);
    const heaviest = parts.reduce((a, b) => (b.weight > a.weight ? b : a));
    const voice = VOICES.find((v) => v.id === heaviest.name || v.key === heaviest.name);
    return { id: name, name, gender: voice?.gender ?? 'female', description: `Blend: ${blend}` };
  });
}

export function voicesRoutes({ savedVoices }: VoicesDeps): Hono {
  const app = new Hono();

  app.get('/voices', async (c) => {
    const premade = elevenLabsVoiceList().map((listing, i) => ({
      ...listing,
      gender: VOICES[i]!.gender,
      key: VOICES[i]!.key,
    }));
    const saved: VoiceListing[] = (await savedVoices.list()).map((v) => ({
      voice_id: v.name,
      name: v.name,
      category: 'saved',
      blend: v.blend,
    }));
    return c.json({ voices: [...premade, ...saved] });
  });

  app.post('/voices', async (c) => {
    const voice = checkSavedVoice(await readJson(c));
    const created = await savedVoices.save(voice);
    return c.json(
      { voice_id: voice.name, name: voice.name, category: 'saved', blend: voice.blend },
      created ? 201 : 200,
    );
  });

  app.delete('/voices/:name', async (c) => {
    const name = c.req.param('name');
    if (isBuiltInName(name))
      throw new NotFoundError(
        `'${name.slice(0, 64)}' is a built-in voice; only saved voices can be deleted`,
      );
    if (!(await savedVoices.delete(name))) {
      throw new NotFoundError(`no saved voice named '${name.slice(0, 64)}'`);
    }
    return c.body(null, 204);
  });

  return app;
}
