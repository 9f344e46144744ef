// Writes a stand-in model folder laid out like a Hugging Face KittenTTS repo (config.json, the
// .onnx named by model_file, voices.npz), deterministic per variant and seed. Tests and benchmarks
// use it because the real weights cannot be downloaded here; it produces noise, not speech.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeNpz } from '../kitten/npz.js';
import { createRng } from './graph-builder.js';
import { buildStandinGraph, type StandinShape } from './standin-graph.js';

export type StandinVariant = 'tiny' | 'nano';
export const STANDIN_VARIANTS: readonly StandinVariant[] = ['tiny', 'nano'];

export interface StandinOptions {
  variant?: StandinVariant;
  seed?: number;
}

const SHAPES: Record<StandinVariant, StandinShape> = {
  tiny: { embed: 16, hidden: 32, ffn: 64, textLayers: 2, channels: [32, 16, 8, 4], blocks: [1, 1, 1, 1], kernel: 3 },
  // Calibrated on a 2-core x86 machine to cost about what kitten-tts-nano costs per second of audio.
  nano: { embed: 128, hidden: 768, ffn: 2048, textLayers: 12, channels: [512, 256, 128, 32], blocks: [3, 3, 5, 5], kernel: 7 },
};

export const VOICE_KEYS = [
  'expr-voice-2-m',
  'expr-voice-2-f',
  'expr-voice-3-m',
  'expr-voice-3-f',
  'expr-voice-4-m',
  'expr-voice-4-f',
  'expr-voice-5-m',
  'expr-voice-5-f',
] as const;

/** The real nano 0.8 config.json, plus a `standin` block saying what this folder really is. */
export function standinConfig(variant: StandinVariant, seed: number): Record<string, unknown> {
  return {
    name: 'Kitten TTS Nano (stand-in)',
    version: '0.8',
    type: 'ONNX2',
    model: 'kitten-tts-nano-0.8',
    voices: 'voices.npz',
    model_file: 'kitten_tts_nano_v0_8.onnx',
    speed_priors: Object.fromEntries(VOICE_KEYS.map((k) => [k, k === 'expr-voice-4-m' ? 0.9 : 0.8])),
    voice_aliases: {
      Bella: 'expr-voice-2-f',
      Jasper: 'expr-voice-2-m',
      Luna: 'expr-voice-3-f',
      Bruno: 'expr-voice-3-m',
      Rosie: 'expr-voice-4-f',
      Hugo: 'expr-voice-4-m',
      Kiki: 'expr-voice-5-f',
      Leo: 'expr-voice-5-m',
    },
    standin: { variant, seed, note: 'random weights: produces no speech' },
  };
}

function voiceTables(seed: number): Record<string, { shape: number[]; data: Float32Array }> {
  const rng = createRng(seed ^ 0x5eed);
  const out: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const key of VOICE_KEYS) {
    const data = new Float32Array(400 * 256);
    for (let i = 0; i < data.length; i++) data[i] = (rng() * 2 - 1) * 0.5;
    out[key] = { shape: [400, 256], data };
  }
  return out;
}

export interface StandinInfo {
  variant: StandinVariant;
  seed: number;
  parameters: number;
  nodes: number;
  onnxBytes: number;
}

export async function writeStandinModel(dir: string, options: StandinOptions = {}): Promise<StandinInfo> {
  const variant = options.variant ?? 'tiny';
  const seed = options.seed ?? 1;
  const shape = SHAPES[variant];
  if (!shape) throw new Error(`unknown stand-in variant '${variant}' (choose ${STANDIN_VARIANTS.join(', ')})`);
  await mkdir(dir, { recursive: true });
  const graph = buildStandinGraph(shape, seed);
  const config = standinConfig(variant, seed);
  // Each file is written under a temporary name and renamed, so a reader never sees half a model.
  const put = async (name: string, bytes: Uint8Array | string) => {
    const tmp = path.join(dir, `.${name}.tmp`);
    await writeFile(tmp, bytes);
    await rename(tmp, path.join(dir, name));
  };
  await put(config.model_file as string, graph.bytes);
  await put('voices.npz', writeNpz(voiceTables(seed)));
  await put('config.json', `${JSON.stringify(config, null, 2)}\n`);
  const info = { variant, seed, parameters: graph.parameters, nodes: graph.nodes, onnxBytes: graph.bytes.length };
  await put('.standin.json', JSON.stringify(info));
  return info;
}

/** writeStandinModel unless the folder already holds this variant and seed. */
export async function ensureStandinModel(dir: string, options: StandinOptions = {}): Promise<void> {
  const variant = options.variant ?? 'tiny';
  const seed = options.seed ?? 1;
  try {
    const stamp = JSON.parse(await readFile(path.join(dir, '.standin.json'), 'utf8')) as Partial<StandinInfo>;
    if (stamp.variant === variant && stamp.seed === seed) return;
  } catch {
    // no stamp: write it
  }
  await writeStandinModel(dir, { variant, seed });
}
