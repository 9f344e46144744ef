// The OpenAPI text of the voices and pronunciation routes (src/http/voices.ts): their table rows
// and the zod schemas of their bodies and answers, kept apart from paths.ts so that table stays
// small and each feature documents its own routes.
import { z } from 'zod';
import type { ResponseDoc, RouteDoc } from './paths.js';

export const savedVoiceBody = z.strictObject({
  name: z
    .string()
    .describe(
      "1–64 letters, digits, '-' or '_', starting with a letter; not a built-in voice's name (409).",
    ),
  voice: z
    .string()
    .describe('A built-in voice or a blend of them: "Luna(2)+Jasper(1)" (≤ 256 characters).'),
});

export const voiceListing = z.object({
  voice_id: z.string().describe('The name to pass as `voice` anywhere.'),
  name: z.string(),
  category: z.enum(['premade', 'saved']),
  blend: z.string().optional().describe('Saved voices: the blend the name stands for.'),
  gender: z.enum(['female', 'male']).optional(),
  description: z.string().optional(),
  key: z.string().optional().describe('Built-in voices: the expr-voice-* key in voices.npz.'),
});

export const voiceListResponse = z.object({ voices: z.array(voiceListing) });

export const phonemizeBody = z.strictObject({
  text: z
    .string()
    .describe(
      'The text, as you would send it to be spoken: `[word](/phonemes/)` markup and the lexicon ' +
        'apply, pause tags are left out (no model runs them).',
    ),
  model: z.string().optional().describe('A model id; the server default when omitted.'),
  normalize: z.boolean().optional().describe('Apply the text normalizer first (default true).'),
});

export const phonemizeResponse = z.object({
  model: z.string(),
  chunks: z.array(
    z.object({
      text: z
        .string()
        .describe('The exact chunk string the model gets (markup shown as its display text).'),
      phonemes: z.string().describe('espeak-ng IPA, as the tokenizer reads it.'),
      input_ids: z.array(z.number().int()).describe("The model's input_ids for the chunk."),
    }),
  ),
});

export const VOICE_SCHEMAS = {
  PhonemizeRequest: phonemizeBody,
  PhonemizeResponse: phonemizeResponse,
  SavedVoiceRequest: savedVoiceBody,
  VoiceListing: voiceListing,
  VoiceListResponse: voiceListResponse,
} as const;

const oaiBad: ResponseDoc = {
  description: "Invalid name or blend, named in the message (OpenAI's error shape).",
  schema: 'OpenAiError',
};

export const VOICE_ROUTE_DOCS: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/voices',
    operationId: 'listAllVoices',
    tag: 'service',
    summary: 'Built-in and saved voices',
    description:
      "ElevenLabs' shape (`voices[].voice_id`, `name`, `category`) with our fields beside: `blend` for saved voices; `gender`, `description` and `key` for built-in ones.",
    responses: { '200': { description: 'Every voice.', schema: 'VoiceListResponse' } },
  },
  {
    method: 'post',
    path: '/v1/voices',
    operationId: 'saveVoice',
    tag: 'service',
    summary: 'Save a voice or blend under a name',
    description:
      'The name then works wherever a voice name does. At most 100 saved voices; kept under the cache dir, or in Redis when clustered.',
    body: 'SavedVoiceRequest',
    bodyRequired: true,
    responses: {
      '201': { description: 'Saved.', schema: 'VoiceListing' },
      '200': { description: 'Replaced a saved voice of that name.', schema: 'VoiceListing' },
      '400': oaiBad,
      '409': {
        description: "The name is a built-in voice's, or the store is full.",
        schema: 'OpenAiError',
      },
    },
  },
  {
    method: 'post',
    path: '/v1/phonemize',
    operationId: 'phonemize',
    tag: 'service',
    summary: 'What the model will receive for a text',
    description:
      'The planned chunks, each with its phonemes and input_ids, from the same front-end that speaks.',
    body: 'PhonemizeRequest',
    bodyRequired: true,
    responses: {
      '200': { description: 'The chunks.', schema: 'PhonemizeResponse' },
      '400': { description: "Invalid request (OpenAI's error shape).", schema: 'OpenAiError' },
    },
  },
  {
    method: 'delete',
    path: '/v1/voices/{name}',
    operationId: 'deleteVoice',
    tag: 'service',
    summary: 'Forget a saved voice',
    pathParams: ['name'],
    responses: {
      '204': { description: 'Deleted.' },
      '404': { description: 'No saved voice of that name.', schema: 'OpenAiError' },
    },
  },
];
