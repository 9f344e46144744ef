// config.json of a KittenTTS model repo, validated: upstream reads only type, model_file, voices,
// speed_priors and voice_aliases (upstream's get_model.py reads only these), so those are checked and the rest ignored.
import path from 'node:path';
import { z } from 'zod';
import { ModelLoadError } from '../../errors.js';

export interface ModelConfig {
  readonly type: 'ONNX1' | 'ONNX2';
  /** Path of the .onnx file, relative to the model folder (POSIX separators). */
  readonly modelFile: string;
  /** Path of voices.npz, relative to the model folder. */
  readonly voices: string;
  readonly speedPriors: Readonly<Record<string, number>>;
  readonly voiceAliases: Readonly<Record<string, string>>;
  readonly name?: string;
  readonly version?: string;
}

export class ModelConfigError extends ModelLoadError {}

/** A repo-relative file name that cannot leave the model folder. */
function isInsideFolder(file: string): boolean {
  if (file.includes('\\') || file.includes('\0') || path.posix.isAbsolute(file)) return false;
  if (/^[A-Za-z]:/.test(file)) return false;
  return file.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

const relativeFile = z
  .string({ error: 'must be a file name' })
  .min(1, 'must not be empty')
  .refine(isInsideFolder, 'must be a relative path inside the model folder');

const schema = z.object({
  type: z.unknown().refine((t) => t === 'ONNX1' || t === 'ONNX2', {
    // Upstream's wording, with what we found and what we accept.
    error: (issue) =>
      `Unsupported model type. Got ${issue.input === undefined ? 'no type' : JSON.stringify(issue.input)}; expected "ONNX1" or "ONNX2"`,
  }),
  model_file: relativeFile,
  voices: relativeFile,
  speed_priors: z
    .record(z.string(), z.number().positive('must be a positive number').finite())
    .nullish(),
  voice_aliases: z.record(z.string(), z.string()).nullish(),
  name: z.string().optional().catch(undefined),
  version: z.union([z.string(), z.number()]).transform(String).optional().catch(undefined),
});

/** Validates a parsed config.json; `source` names the file in error messages. */
export function parseModelConfig(json: unknown, source = 'config.json'): ModelConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ModelConfigError(`${source}: expected a JSON object`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.');
    throw new ModelConfigError(`${source}: ${field ? `${field}: ` : ''}${issue.message}`);
  }
  const c = parsed.data;
  return Object.freeze({
    type: c.type as 'ONNX1' | 'ONNX2',
    modelFile: c.model_file,
    voices: c.voices,
    speedPriors: Object.freeze({ ...(c.speed_priors ?? {}) }),
    voiceAliases: Object.freeze({ ...(c.voice_aliases ?? {}) }),
    ...(c.name === undefined ? {} : { name: c.name }),
    ...(c.version === undefined ? {} : { version: c.version }),
  });
}

/** Parses the text of config.json. */
export function parseModelConfigText(text: string, source = 'config.json'): ModelConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ModelConfigError(`${source} is not valid JSON: ${(err as Error).message}`);
  }
  return parseModelConfig(json, source);
}
