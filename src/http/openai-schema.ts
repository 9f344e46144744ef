// The body of POST /v1/audio/speech as OpenAI documents it, validated with zod and then resolved
// onto our names (model, voice, speed range). Every failure is a 400 naming the field at fault.
import { z } from 'zod';
import {
  AUDIO_FORMATS,
  OUTPUT_SAMPLE_RATES_HZ,
  defaultSampleRateFor,
  sampleRateProblem,
  type AudioFormat,
} from '../audio/index.js';
import { SAMPLE_RATE_HZ } from '../engine/protocol.js';
import type { SavedVoiceLookup } from '../kitten/voice-blend.js';
import { OpenAiParamError, paramErrorFromZod } from './errors.js';
import {
  OPENAI_SPEED_MAX,
  OPENAI_SPEED_MIN,
  mapOpenAiSpeed,
  resolveOpenAiModel,
  resolveOpenAiVoice,
} from './openai-names.js';

/** OpenAI's limit on `input`. */
export const OPENAI_MAX_INPUT_CHARS = 4096;

export interface SpeechRequestOptions {
  modelIds: readonly string[];
  defaultModelId: string;
  /** The smaller of OpenAI's 4096 and the server's own text limit. */
  maxInputChars: number;
  /** Saved voices by name. */
  savedVoice?: SavedVoiceLookup;
}

export interface SpeechRequest {
  modelId: string;
  input: string;
  voice: string;
  format: AudioFormat;
  /** The rate to answer at: `sample_rate` (our extension), else 8000 for G.711, else the model's. */
  sampleRateHz: number;
  /** Already mapped onto the model's range. */
  speed: number;
  streamFormat: 'audio' | 'sse';
}

function bodySchema(maxInputChars: number) {
  return z.strictObject({
    model: z.string({ error: 'must be a string' }),
    input: z
      .string({ error: 'must be a string' })
      .max(maxInputChars, `must be at most ${maxInputChars} characters`)
      .refine((t) => t.trim().length > 0, 'must not be empty'),
    voice: z.union([z.string(), z.object({ id: z.string() })], {
      error: "must be a voice name or an object {id: '<voice>'}",
    }),
    // Accepted and ignored: KittenTTS has no instruction-following (documented).
    instructions: z.string({ error: 'must be a string' }).optional(),
    response_format: z.string({ error: 'must be a string' }).default('mp3'),
    speed: z
      .number({ error: 'must be a number' })
      .min(OPENAI_SPEED_MIN, `must be between ${OPENAI_SPEED_MIN} and ${OPENAI_SPEED_MAX}`)
      .max(OPENAI_SPEED_MAX, `must be between ${OPENAI_SPEED_MIN} and ${OPENAI_SPEED_MAX}`)
      .default(1),
    stream_format: z.enum(['audio', 'sse'], { error: "must be 'audio' or 'sse'" }).default('audio'),
    // Extensions of ours (OpenAI has neither): the output rate; mulaw, alaw and pcm_f32le formats.
    sample_rate: z
      .number({ error: `must be one of ${OUTPUT_SAMPLE_RATES_HZ.join(', ')}` })
      .optional(),
  });
}

export function createSpeechRequestParser(
  options: SpeechRequestOptions,
): (data: unknown) => SpeechRequest {
  const schema = bodySchema(options.maxInputChars);
  return (data) => {
    const result = schema.safeParse(data);
    if (!result.success) throw paramErrorFromZod(result.error, data);
    const body = result.data;
    const modelId = resolveOpenAiModel(body.model, options.modelIds, options.defaultModelId);
    if (!modelId) {
      throw new OpenAiParamError(
        `The model '${body.model.slice(0, 64)}' does not exist; GET /v1/models lists them.`,
        'model',
        'model_not_found',
      );
    }
    const voiceName = typeof body.voice === 'string' ? body.voice : body.voice.id;
    const voice = resolveOpenAiVoice(voiceName, options.savedVoice);
    if (!voice)
      throw new OpenAiParamError(
        `Invalid 'voice': unknown voice '${voiceName.slice(0, 64)}'.`,
        'voice',
      );
    const format = body.response_format;
    if (!(AUDIO_FORMATS as readonly string[]).includes(format)) {
      const hint =
        format === 'aac' ? ' (aac is not offered: no encoder without a system binary)' : '';
      throw new OpenAiParamError(
        `Invalid 'response_format': '${format.slice(0, 32)}'${hint}; choose one of ${AUDIO_FORMATS.join(', ')}.`,
        'response_format',
      );
    }
    const sampleRateHz =
      body.sample_rate ?? defaultSampleRateFor(format as AudioFormat, SAMPLE_RATE_HZ);
    const problem = sampleRateProblem(format as AudioFormat, sampleRateHz);
    if (problem) throw new OpenAiParamError(`Invalid 'sample_rate': ${problem}.`, 'sample_rate');
    return {
      modelId,
      input: body.input,
      voice,
      format: format as AudioFormat,
      sampleRateHz,
      speed: mapOpenAiSpeed(body.speed),
      streamFormat: body.stream_format,
    };
  };
}
