// POST /v1/phonemize {"text", "model"?, "normalize"?}: what the model will receive for a text, the
// planned chunks with each chunk's phonemes and input_ids, computed by the same front-end on a
// worker (the phonemizer lives there). For checking a pronunciation before speaking it.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppDeps } from './deps.js';
import { modelSchema, textSchema } from './schemas.js';
import { parseWith, readJson } from './validate.js';

type PhonemizeDeps = Pick<AppDeps, 'catalog' | 'config' | 'engine'>;

export function phonemizeRoutes({ catalog, config, engine }: PhonemizeDeps): Hono {
  const body = z.strictObject({
    text: textSchema(config.maxTextChars),
    model: modelSchema({
      modelIds: catalog.ids(),
      defaultModelId: catalog.defaultId,
      maxTextChars: config.maxTextChars,
    }).default(catalog.defaultId),
    normalize: z.boolean({ error: 'must be true or false' }).default(true),
  });
  const app = new Hono();
  app.post('/phonemize', async (c) => {
    const req = parseWith(body, await readJson(c));
    const chunks = await engine.phonemize({
      modelId: req.model,
      text: req.text,
      normalize: req.normalize,
    });
    return c.json({
      model: req.model,
      chunks: chunks.map((ch) => ({
        text: ch.text,
        phonemes: ch.phonemes,
        input_ids: ch.inputIds,
      })),
    });
  });
  return app;
}
