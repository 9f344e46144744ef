// A Cartesia generation request (WebSocket message or HTTP body) checked once: transcript,
// context_id, continue/flush, add_timestamps, and the settings a new context needs (voice
// `{mode:"id", id}`, model_id through dialect-names.ts, output_format through dialect-formats.ts).
import { z } from 'zod';
import type { AudioEvent } from '../../session/session-events.js';
import type { DialectDeps, ContextSettings } from './dialect-socket.js';
import { dialectModel, dialectVoice } from './dialect-names.js';
import { cartesiaTarget, describeTarget, isEncodable } from './dialect-formats.js';

const request = z.object({
  context_id: z.string().min(1).max(200).optional(),
  cancel: z.boolean().optional(),
  transcript: z.string().optional(),
  continue: z.boolean().optional(),
  flush: z.boolean().optional(),
  add_timestamps: z.boolean().optional(),
  model_id: z.string().optional(),
  voice: z.unknown().optional(),
  output_format: z.unknown().optional(),
});

export type CartesiaRequest =
  | { readonly kind: 'cancel'; readonly contextId: string | undefined }
  | {
      readonly kind: 'generate';
      readonly contextId: string | undefined;
      readonly transcript: string;
      readonly continue: boolean;
      readonly flush: boolean;
      readonly addTimestamps: boolean;
      /** What a new context is opened with; undefined when the request names no usable one. */
      readonly settings: ContextSettings | undefined;
      readonly settingsProblem?: string;
    };

export type Rejected = { readonly problem: string; readonly contextId?: string };

/** Parses a WebSocket frame (a string) or an HTTP body (already JSON). */
export function cartesiaRequest(
  deps: Pick<DialectDeps, 'catalog' | 'config'>,
  data: unknown,
  { files = false } = {},
): CartesiaRequest | Rejected {
  let json: unknown = data;
  if (typeof data === 'string') {
    try {
      json = JSON.parse(data);
    } catch {
      return { problem: 'Malformed JSON message.' };
    }
  } else if (!files) {
    return { problem: 'Send requests as JSON text frames.' };
  }
  const parsed = request.safeParse(json);
  if (!parsed.success) return { problem: 'Invalid request: check the types of its fields.' };
  const r = parsed.data;
  const contextId = r.context_id;
  if (r.cancel) return { kind: 'cancel', contextId };
  const transcript = r.transcript ?? '';
  if (transcript.length > deps.config.maxTextChars) {
    return {
      problem: `transcript is longer than ${deps.config.maxTextChars} characters.`,
      contextId,
    };
  }
  const settings = cartesiaSettings(deps, r, files);
  return {
    kind: 'generate',
    contextId,
    transcript,
    continue: r.continue ?? false,
    flush: r.flush ?? false,
    addTimestamps: r.add_timestamps ?? false,
    ...(typeof settings === 'string'
      ? { settings: undefined, settingsProblem: settings }
      : { settings }),
  };
}

function cartesiaSettings(
  deps: Pick<DialectDeps, 'catalog' | 'config'>,
  r: z.output<typeof request>,
  files: boolean,
): ContextSettings | string {
  const v = r.voice as { mode?: unknown; id?: unknown } | undefined;
  if (typeof v !== 'object' || v === null || v.mode !== 'id' || typeof v.id !== 'string') {
    return 'voice must be {"mode": "id", "id": "<voice>"}.';
  }
  const voice = dialectVoice(v.id);
  if (voice === undefined) return `Voice '${v.id.slice(0, 64)}' not found.`;
  const target = cartesiaTarget(r.output_format, { files });
  if (target === undefined || !isEncodable(target)) {
    const what = target ? describeTarget(target) : 'this output_format';
    return `${what} is not supported.`;
  }
  const names = {
    ids: deps.catalog.ids(),
    defaultId: deps.catalog.defaultId,
    aliases: deps.config.modelAliases,
  };
  return { voice, modelId: dialectModel(r.model_id, names), target };
}

/** Cartesia's `word_timestamps` for a chunk starting `offsetS` into its context (seconds). */
export function wordTimestamps(
  ev: AudioEvent,
  offsetS: number,
): { words: string[]; start: number[]; end: number[] } {
  const at = (t: number) => Math.round((offsetS + t) * 1e6) / 1e6;
  return {
    words: ev.words.map((w) => w.text),
    start: ev.words.map((w) => at(w.start)),
    end: ev.words.map((w) => at(w.end)),
  };
}
