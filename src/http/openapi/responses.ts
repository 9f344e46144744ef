// Zod schemas of what the REST routes answer, used only to describe them in /openapi.json. The
// OpenAPI tests parse real responses with these, so a route that changes its shape fails a test
// instead of silently drifting from its documentation.
import { z } from 'zod';

const num = z.number();

export const errorResponse = z.object({
  detail: z.string().describe('What went wrong, written for the caller.'),
});

export const healthResponse = z.object({
  status: z.literal('healthy'),
  loaded_models: z.array(z.string()),
  cache_dir: z.string(),
  cache_size_mb: num,
});

export const readyResponse = z.object({
  status: z.literal('ready'),
  replica_id: z.string().describe('This process (KITTENTTS_REPLICA_ID).'),
  default_model: z.string(),
  session_store: z
    .enum(['memory', 'redis', 'unreachable'])
    .describe(
      'Where REST sessions live: this process, or Redis shared by every replica; `unreachable` (only with `?redis=optional`): Redis is configured but cannot be reached, so REST session routes answer 503.',
    ),
});

export const modelsResponse = z.object({
  models: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      params: z.string(),
      size: z.string(),
      description: z.string(),
      quality: z.string(),
      precision: z.string(),
    }),
  ),
});

export const voicesResponse = z.object({
  voices: z.array(
    z.object({ id: z.string(), name: z.string(), gender: z.string(), description: z.string() }),
  ),
});

export const statsResponse = z.object({
  generation_stats: z.object({
    total_requests: num,
    avg_generation_time: num,
    avg_rtf: num.describe('Mean seconds of audio per second of generation (higher is faster).'),
    total_audio_generated: num.describe('Seconds of audio generated in total.'),
    recent_requests: z.array(z.looseObject({})),
  }),
  system: z.looseObject({
    replica_id: z
      .string()
      .optional()
      .describe('With Redis: which replica answered (the totals above are the cluster’s).'),
    cache_directory: z.string(),
    cache_size_mb: num,
    loaded_models: z.array(z.string()),
    model_load_times: z.record(z.string(), num),
    node_version: z.string(),
    memory_usage_mb: num,
  }),
  available_models: z.array(z.string()),
  available_voices: z.array(z.string()),
  synthesis_cache: z
    .object({
      hits: z.number().int(),
      misses: z.number().int(),
      hit_ratio: z.number().describe('hits / (hits + misses), 0 before any chunk'),
      evictions: z.number().int(),
      entries: z.number().int(),
      size_mb: z.number(),
    })
    .describe(
      'Added to the seed shape: the synthesis cache (docs/architecture.md "Synthesis cache").',
    ),
});

/** One word's timing (engine/word-timings.ts Word). */
export const word = z
  .object({
    text: z.string().describe('The word as the model said it (after normalization).'),
    start: num.describe('Seconds from the start of the audio it belongs to (to the sample).'),
    end: num.describe('Seconds; a word the trim cuts ends at the end of its chunk.'),
    chars: z
      .tuple([z.number().int(), z.number().int()])
      .optional()
      .describe(
        '[from, to) UTF-16 offsets of the word in the text sent, when found there; words normalization made from one source (`$5` → five dollars) share its range.',
      ),
    shared: z
      .number()
      .int()
      .optional()
      .describe(
        "Present when espeak said this word together with its neighbours and the audio cannot tell them apart: the index, in this list, of the group's first word; every word of the group has the group's span.",
      ),
  })
  .describe('A word of the audio and when it is heard.');

export const generateResponse = z.object({
  audio_base64: z.string().describe('A complete 16-bit mono WAV file, base64-encoded.'),
  sample_rate: num,
  duration: num.describe('Seconds of audio.'),
  debug_info: z.object({
    model_load_time: num,
    generation_time: num,
    total_time: num,
    real_time_factor: num.describe('Seconds of audio per second of generation (higher is faster).'),
    audio_samples: num,
    sample_rate: num,
  }),
  words: z
    .array(word)
    .optional()
    .describe(
      'With `"timestamps": true` only: every word, timed from the start of the whole audio.',
    ),
});

export const streamStartResponse = z.object({
  session_id: z.string(),
  status: z.literal('created'),
});

export const streamChunkResponse = z.object({
  audio_chunks: z
    .array(z.string())
    .describe(
      'One base64 WAV per sentence this call completed (empty when an SSE subscriber receives the audio).',
    ),
  sample_rate: num,
  buffered_text: z.string().describe('Text still waiting for the end of its sentence.'),
  status: z
    .enum(['streaming', 'flushed', 'ended'])
    .describe(
      '`ended`: the session ended while this call waited; audio_chunks holds what was made',
    ),
});

export const streamEndResponse = z.object({ status: z.literal('ended'), session_id: z.string() });

export const openAiModel = z.object({
  id: z.string(),
  object: z.literal('model'),
  created: num,
  owned_by: z.string(),
});

export const openAiModelList = z.object({ object: z.literal('list'), data: z.array(openAiModel) });

export const openAiError = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string().nullable(),
  }),
});

/** The body of POST /v1/audio/speech as OpenAI documents it (validated by ../openai-schema.ts). */
export const openAiSpeechBody = z.strictObject({
  model: z
    .string()
    .describe(
      'A model id of this server, or an OpenAI name (tts-1, tts-1-hd, gpt-4o-mini-tts) mapped onto the default model.',
    ),
  input: z.string().max(4096).describe('The text to speak.'),
  voice: z
    .union([z.string(), z.object({ id: z.string() })])
    .describe(
      'One of our voices, an expr-voice key, or an OpenAI voice name (alloy, echo, nova, …) mapped onto ours.',
    ),
  instructions: z
    .string()
    .optional()
    .describe('Accepted and ignored: KittenTTS has no instruction-following.'),
  response_format: z
    .string()
    .default('mp3')
    .describe('mp3, opus, wav, pcm or flac (aac is refused).'),
  speed: z
    .number()
    .min(0.25)
    .max(4)
    .default(1)
    .describe("OpenAI's 0.25–4.0, mapped onto the model's range."),
  stream_format: z.enum(['audio', 'sse']).default('audio'),
});
