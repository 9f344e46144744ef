// Request schemas (zod) for every door, built once from the server's catalogue (model ids, limits)
// so messages can list the valid choices. Field names and defaults follow the seed API reference.
import { z } from 'zod';
import {
  AUDIO_FORMATS,
  OUTPUT_SAMPLE_RATES_HZ,
  defaultSampleRateFor,
  sampleRateProblem,
  type AudioFormat,
} from '../audio/index.js';
import { SAMPLE_RATE_HZ } from '../engine/protocol.js';
import { voiceProblem, type SavedVoiceLookup } from '../kitten/voice-blend.js';
import { VOICES, VOICE_KEYS } from '../kitten/voices.js';

export const SPEED_MIN = 0.25;
export const SPEED_MAX = 3.0;
export const DEFAULT_VOICE = 'Bella';

export interface SchemaOptions {
  modelIds: readonly string[];
  defaultModelId: string;
  maxTextChars: number;
  /** Saved voices by name; unset: built-in voices and blends of them. */
  savedVoice?: SavedVoiceLookup;
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

/** A voice: a name, an expr-voice-* key, a saved voice or a blend ("Luna(2)+Jasper(1)"). */
export function voiceSchema(saved?: SavedVoiceLookup) {
  return z.string({ error: 'must be a string' }).superRefine((voice, ctx) => {
    const problem = voiceProblem(voice, saved);
    if (problem === undefined) return;
    // A plain unknown name gets the list of voices; a blend gets its own problem named.
    const message = /[+(]/.test(voice)
      ? `voice '${voice.slice(0, 64)}': ${problem.slice(0, 120)}`
      : `unknown voice '${voice.slice(0, 64)}'; choose one of ${voiceChoices}`;
    ctx.addIssue({ code: 'custom', message });
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
  const voice = voiceSchema(options.savedVoice).default(DEFAULT_VOICE);
  const model = modelSchema(options).default(options.defaultModelId);
  const generate = z.strictObject({
    text: textSchema(options.maxTextChars),
    voice,
    speed: speedSchema().default(1.0),
    model,
    timestamps: z.boolean({ error: 'must be true or false' }).default(false),
  });
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
  const generateStream = withOutputRate(
    generate.extend({
      format,
      sample_rate: sampleRateSchema().optional(),
      first_chunk: firstChunk.default('auto'),
      timestamps: timestamps.default('none'),
    }),
  );
  const streamEventsQuery = withOutputRate(
    streamChunkQuery.extend({
      format,
      sample_rate: sampleRateSchema(true).optional(),
      timestamps: timestamps.default('none'),
    }),
  );
  const wsQuery = withOutputRate(
    z.object({
      voice,
      speed: speedSchema(true).default(1.0),
      model,
      format,
      sample_rate: sampleRateSchema(true).optional(),
      first_chunk: firstChunk.default('auto'),
      encoding: z
        .enum(['binary', 'json'], { error: "must be 'binary' or 'json'" })
        .default('binary'),
      timestamps: timestamps.default('none'),
      // Debugging: a `trace` event per stage of each chunk (docs/realtime.md); default KITTENTTS_TRACE.
      trace: z
        .enum(['0', '1', 'true', 'false'], { error: "must be '1' or '0'" })
        .transform((v) => v === '1' || v === 'true')
        .optional(),
      api_key: z.string().optional(),
    }),
  );
  const wsMessage = wsMessageSchema(options);
  const readyQuery = readyQuerySchema();
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

/** GET /api/ready's query: whether an unreachable Redis makes the replica unready. */
export function readyQuerySchema() {
  return z.object({
    redis: z
      .enum(['required', 'optional'], { error: "must be 'required' or 'optional'" })
      .default('required'),
  });
}

/** What a client sends over the stream WebSocket: text, flush, cancel, end, config, playback. */
export function wsMessageSchema(options: SchemaOptions) {
  const playedS = z.number({ error: 'must be a number of seconds' }).finite().min(0, 'must be ≥ 0');
  return z.discriminatedUnion(
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
        voice: voiceSchema(options.savedVoice).optional(),
        speed: speedSchema().optional(),
      }),
      z.strictObject({
        type: z.literal('playback'),
        played_s: playedS,
      }),
    ],
    { error: "type: must be one of 'text', 'flush', 'cancel', 'end', 'config', 'playback'" },
  );
}

export function formatSchema() {
  return z.enum(AUDIO_FORMATS as unknown as [AudioFormat, ...AudioFormat[]], {
    error: `must be one of ${AUDIO_FORMATS.join(', ')}`,
  });
}

const rateChoices = `must be one of ${OUTPUT_SAMPLE_RATES_HZ.join(', ')} (Hz)`;

/** `sample_rate` (an extension of ours): a whole number of hertz; which ones depends on the format. */
export function sampleRateSchema(fromQuery = false) {
  const number = z.number({ error: rateChoices }).int(rateChoices);
  if (!fromQuery) return number;
  return z.preprocess(
    (v) => (typeof v === 'string' && /^\d{1,6}$/.test(v) ? Number(v) : v),
    number,
  );
}

/**
 * Checks `sample_rate` against `format` and fills in the default (G.711 at 8 kHz, everything else
 * at the model's 24 kHz), so a door reads one resolved number.
 */
function withOutputRate<T extends { format: AudioFormat; sample_rate?: number | undefined }>(
  schema: z.ZodType<T>,
) {
  return schema
    .superRefine((v, ctx) => {
      if (v.sample_rate === undefined) return;
      const problem = sampleRateProblem(v.format, v.sample_rate);
      if (problem) ctx.addIssue({ code: 'custom', path: ['sample_rate'], message: problem });
    })
    .transform((v) => ({
      ...v,
      sample_rate: v.sample_rate ?? defaultSampleRateFor(v.format, SAMPLE_RATE_HZ),
    }));
}

export type WsQuery = z.output<ReturnType<typeof createSchemas>['wsQuery']>;

export type Schemas = ReturnType<typeof createSchemas>;
