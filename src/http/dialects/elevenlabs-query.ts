// An ElevenLabs request's names and query, checked once: the voice (ours, by name or key), the
// model (dialect-names.ts), `output_format`, and the socket options their reference lists.
// Options we have no use for (`enable_logging`, `enable_ssml_parsing`, `language_code`,
// `auto_mode`: our first chunk is always `auto`) are accepted and ignored.
import type { DialectDeps } from './dialect-socket.js';
import { dialectModel, dialectVoice } from './dialect-names.js';
import {
  describeTarget,
  elevenLabsTarget,
  isEncodable,
  type DialectTarget,
} from './dialect-formats.js';

export interface ElevenLabsSocketSettings {
  readonly voice: string;
  readonly modelId: string;
  readonly target: DialectTarget;
  readonly normalize?: boolean;
  /** sync_alignment (default on here: alignment costs little and clients expect it). */
  readonly alignment: boolean;
  readonly inactivityTimeoutS: number;
}

/** What is wrong with a request: their `status` code and a sentence for the client. */
export interface Problem {
  readonly status: string;
  readonly problem: string;
}

const BOOL: Readonly<Record<string, boolean>> = { true: true, false: false, '1': true, '0': false };

/** The settings, or what is wrong with the request (a sentence for the client). */
export function elevenLabsQuery(
  deps: Pick<DialectDeps, 'catalog' | 'config'>,
  voiceId: string,
  q: Record<string, string | undefined>,
): ElevenLabsSocketSettings | Problem {
  const names = elevenLabsNames(deps, voiceId, q.model_id, q.output_format);
  if ('problem' in names) return names;
  const bad = (problem: string): Problem => ({ status: 'invalid_request', problem });
  const alignment = q.sync_alignment === undefined ? true : BOOL[q.sync_alignment];
  if (alignment === undefined) return bad('sync_alignment must be true or false.');
  const timeout = q.inactivity_timeout === undefined ? 20 : Number(q.inactivity_timeout);
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 180) {
    return bad('inactivity_timeout must be a whole number of seconds from 1 to 180.');
  }
  const norm = q.apply_text_normalization ?? 'auto';
  if (!['auto', 'on', 'off'].includes(norm)) {
    return bad("apply_text_normalization must be 'auto', 'on' or 'off'.");
  }
  return {
    ...names,
    alignment,
    inactivityTimeoutS: timeout,
    ...(norm === 'off' ? { normalize: false } : {}),
  };
}

/** Voice, model and format as ElevenLabs names them (the HTTP routes share this). */
export function elevenLabsNames(
  deps: Pick<DialectDeps, 'catalog' | 'config'>,
  voiceId: string,
  modelId: string | undefined,
  outputFormat: string | undefined,
): { voice: string; modelId: string; target: DialectTarget } | Problem {
  const voice = dialectVoice(voiceId);
  if (voice === undefined) {
    return {
      status: 'voice_not_found',
      problem: `A voice with voice_id '${voiceId.slice(0, 64)}' does not exist.`,
    };
  }
  const target = elevenLabsTarget(outputFormat);
  if (target === undefined || !isEncodable(target)) {
    const what = target ? describeTarget(target) : `'${(outputFormat ?? '').slice(0, 40)}'`;
    return { status: 'invalid_output_format', problem: `output_format ${what} is not supported.` };
  }
  const model = dialectModel(modelId, {
    ids: deps.catalog.ids(),
    defaultId: deps.catalog.defaultId,
    aliases: deps.config.modelAliases,
  });
  return { voice, modelId: model, target };
}
