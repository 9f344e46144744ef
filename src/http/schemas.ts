// Request schemas (zod) for every door, built once from the server's catalogue (model ids, limits)
// so messages can list the valid choices. Field names and defaults follow the seed API reference.
import { z } from 'zod';
import { AUDIO_FORMATS, type AudioFormat } from '../audio/index.js';
import { VOICES, VOICE_KEYS, isKnownVoice } from '../kitten/voices.js';

export const SPEED_MIN = 0.25;
export const SPEED_MAX = 3.0;
export const DEFAULT_VOICE = 'Bella';

export interface SchemaOptions {
  modelIds: readonly string[];
  defaultModelId: string;
  maxTextChars: number;
}

const voiceChoices = [...VOICES.map((v) => v.id), ...VOICE_KEYS].join(', ');

/** A plain decimal as a query string carries it: `1`, `0.8`, `.5`, `1e0`; not `0x2`, `" 1 "` or `""`. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** `fromQuery`: the value arrives as a string and must be written as a decimal number. */
export function speedSchema(fromQuery = false) {
  const number = z
    .number({ error: 'must be a number' })
    .refine(Number.isFinite, 'must be a finite number')
    .refine(
      (s) => s >= SPEED_MIN && s <= SPEED_MAX,
      `must be between ${SPEED_MIN} and ${SPEED_MAX}`,
    );
  if (!fromQuery) return number;
  return z.preprocess((v) => (typeof v === 'string' && DECIMAL.test(v) ? Number(v) : v), number);
}

export function voiceSchema() {
  return z.string({ error: 'must be a string' }).refine(isKnownVoice, {
    error: (iss) =>
      `unknown voice '${String(iss.input).slice(0, 64)}'; choose one of ${voiceChoices}`,
  });
}

export function modelSchema(options: SchemaOptions) {
  return z.string({ error: 'must be a string' }).refine((m) => options.modelIds.includes(m), {
    error: (iss) =>
      `unknown model '${String(iss.input).slice(0, 64)}'; choose one of ${options.modelIds.join(', ')}`,
  });
}

export function textSchema(maxChars: number, { allowEmpty = false } = {}) {
  const base = z
    .string({ error: 'must be a string' })
    .max(
      maxChars,
      `is too long (more than ${maxChars} characters); split it into several requests`,
    );
  return allowEmpty
    ? base
    : base.refine((t) => t.trim().length > 0, 'must not be empty or only whitespace');
}

export function createSchemas(options: SchemaOptions) {
  const voice = voiceSchema().default(DEFAULT_VOICE);
  const model = modelSchema(options).default(options.defaultModelId);
  const generate = z.strictObject({
    text: textSchema(options.maxTextChars),
    voice,
    speed: speedSchema().default(1.0),
    model,
    timestamps: z.boolean({ error: 'must be true or false' }).default(false),
  });
  const playedS = z.number({ error: 'must be a number of seconds' }).finite().min(0, 'must be ≥ 0');
  const streamStartQuery = z.object({
    voice,
    speed: speedSchema(true).default(1.0),
    model,
  });
  const streamChunkQuery = z.object({
    session_id: z.string({ error: 'is required' }).min(1, 'is required'),
  });
  const streamChunkBody = z.strictObject({
    text: textSchema(options.maxTextChars, { allowEmpty: true }).default(''),
    flush: z.boolean({ error: 'must be true or false' }).default(false),
  });
  const format = formatSchema().default('wav');
  const firstChunk = z.enum(['sentence', 'clause', 'auto'], {
    error: "must be 'sentence', 'clause' or 'auto'",
  });
  const timestamps = z.enum(['none', 'word'], { error: "must be 'none' or 'word'" });
  const generateStream = generate.extend({
    format,
    first_chunk: firstChunk.default('auto'),
    timestamps: timestamps.default('none'),
  });
  const streamEventsQuery = streamChunkQuery.extend({
    format,
    timestamps: timestamps.default('none'),
  });
  const wsQuery = z.object({
    voice,
    speed: speedSchema(true).default(1.0),
    model,
    format,
    first_chunk: firstChunk.default('auto'),
    encoding: z.enum(['binary', 'json'], { error: "must be 'binary' or 'json'" }).default('binary'),
    timestamps: timestamps.default('none'),
    // Debugging: a `trace` event per stage of each chunk (docs/realtime.md); default KITTENTTS_TRACE.
    trace: z
      .enum(['0', '1', 'true', 'false'], { error: "must be '1' or '0'" })
      .transform((v) => v === '1' || v === 'true')
      .optional(),
    api_key: z.string().optional(),
  });
  const wsMessage = z.discriminatedUnion(
    'type',
    [
      z.strictObject({
        type: z.literal('text'),
        text: textSchema(options.maxTextChars, { allowEmpty: true }),
      }),
      z.strictObject({ type: z.literal('flush') }),
      z.strictObject({ type: z.literal('cancel'), played_s: playedS.optional() }),
      z.strictObject({ type: z.literal('end') }),
      z.strictObject({
        type: z.literal('config'),
        voice: voiceSchema().optional(),
        speed: speedSchema().optional(),
      }),
      z.strictObject({
        type: z.literal('playback'),
        played_s: playedS,
      }),
    ],
    { error: "type: must be one of 'text', 'flush', 'cancel', 'end', 'config', 'playback'" },
  );
  const readyQuery = z.object({
    redis: z
      .enum(['required', 'optional'], { error: "must be 'required' or 'optional'" })
      .default('required'),
  });
  return {
    generate,
    generateStream,
    readyQuery,
    streamStartQuery,
    streamChunkQuery,
    streamChunkBody,
    streamEventsQuery,
    wsQuery,
    wsMessage,
  };
}

export function formatSchema() {
  return z.enum(AUDIO_FORMATS as unknown as [AudioFormat, ...AudioFormat[]], {
    error: `must be one of ${AUDIO_FORMATS.join(', ')}`,
  });
}

export type WsQuery = z.output<ReturnType<typeof createSchemas>['wsQuery']>;

export type Schemas = ReturnType<typeof createSchemas>;
