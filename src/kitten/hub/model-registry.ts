// The four seed models (the /api/models table, verbatim) with their Hugging Face repos, and the
// rule that turns a user's model reference (seed id, hub repo, bare name, local folder) into one place.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BadRequestError } from '../../errors.js';

export interface SeedModel {
  readonly id: string;
  readonly name: string;
  readonly params: string;
  readonly size: string;
  readonly description: string;
  readonly quality: 'best' | 'good' | 'basic';
  readonly precision: 'FP32' | 'INT8';
  /** Hugging Face repo holding config.json, the .onnx and voices.npz. */
  readonly repo: string;
}

/** In the seed's order (its MODEL_INFO); the strings are the seed's /api/models output. */
export const SEED_MODELS: readonly SeedModel[] = Object.freeze([
  {
    id: 'kitten-tts-nano',
    name: 'Nano (FP32)',
    params: '15M',
    size: '56MB',
    description: '⭐ Best quality - Full 32-bit precision',
    quality: 'best',
    precision: 'FP32',
    repo: 'KittenML/kitten-tts-nano-0.8-fp32',
  },
  {
    id: 'kitten-tts-mini',
    name: 'Mini (INT8)',
    params: '80M',
    size: '80MB',
    description: 'Largest model, INT8 quantized',
    quality: 'good',
    precision: 'INT8',
    repo: 'KittenML/kitten-tts-mini-0.8',
  },
  {
    id: 'kitten-tts-micro',
    name: 'Micro (INT8)',
    params: '40M',
    size: '41MB',
    description: 'Balanced size, INT8 quantized',
    quality: 'good',
    precision: 'INT8',
    repo: 'KittenML/kitten-tts-micro-0.8',
  },
  {
    id: 'kitten-tts-nano-int8',
    name: 'Nano (INT8)',
    params: '15M',
    size: '19MB',
    description: 'Smallest, INT8 quantized',
    quality: 'basic',
    precision: 'INT8',
    repo: 'KittenML/kitten-tts-nano-0.8-int8',
  },
] as const);

export const DEFAULT_MODEL_ID = 'kitten-tts-nano';

/** Upstream prepends this to a model name without a '/'. */
export const DEFAULT_HUB_ORG = 'KittenML';

export type ModelRef =
  | { readonly kind: 'seed'; readonly id: string; readonly repo: string; readonly seed: SeedModel }
  | { readonly kind: 'hub'; readonly id: string; readonly repo: string }
  | { readonly kind: 'dir'; readonly id: string; readonly dir: string };

export class ModelRefError extends BadRequestError {
  constructor(detail: string) {
    super(detail, 'invalid_model');
  }
}

export function findSeedModel(id: string): SeedModel | undefined {
  return SEED_MODELS.find((m) => m.id === id);
}

// Hub repo names: letters, digits, '-', '_', '.'; no leading/trailing '.' or '-' and no '--'/'..'.
const NAME = /^(?![.-])(?!.*(?:--|\.\.))[\w.-]{1,96}(?<![.-])$/;

function looksLikePath(ref: string): boolean {
  return (
    path.isAbsolute(ref) ||
    /^\.{1,2}([/\\]|$)/.test(ref) ||
    ref.startsWith('~/') ||
    /^[A-Za-z]:[/\\]/.test(ref)
  );
}

/**
 * A seed id, a hub repo id (`KittenML/kitten-tts-mini-0.8`), a bare repo name (gets `KittenML/`,
 * as upstream), or a local folder: anything path-like, or an existing folder holding config.json.
 */
export function resolveModelRef(nameOrRepoOrDir: string): ModelRef {
  const ref = nameOrRepoOrDir.trim();
  const seed = findSeedModel(ref);
  if (seed) return { kind: 'seed', id: seed.id, repo: seed.repo, seed };
  if (looksLikePath(ref) || (ref !== '' && existsSync(path.join(ref, 'config.json')))) {
    const expanded = ref.startsWith('~/') ? path.join(os.homedir(), ref.slice(2)) : ref;
    return { kind: 'dir', id: ref, dir: path.resolve(expanded) };
  }
  const parts = ref.split('/');
  if (parts.length === 1 && NAME.test(ref)) {
    return { kind: 'hub', id: ref, repo: `${DEFAULT_HUB_ORG}/${ref}` };
  }
  if (parts.length === 2 && parts.every((p) => NAME.test(p)))
    return { kind: 'hub', id: ref, repo: ref };
  const seeds = SEED_MODELS.map((m) => m.id).join(', ');
  throw new ModelRefError(
    `'${ref.slice(0, 120)}' is not a model id (${seeds}), a Hugging Face repo id (owner/name) or a local folder`,
  );
}
