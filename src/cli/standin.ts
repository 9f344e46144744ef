// `kittentts standin --out DIR [--variant tiny|nano] [--seed N]`: writes a stand-in model folder.
import { parseArgs } from 'node:util';
import type { CliIo } from '../cli.js';
import { STANDIN_VARIANTS, writeStandinModel, type StandinVariant } from '../standin/standin.js';

export const help = `Usage: kittentts standin --out DIR [--variant tiny|nano] [--seed N]

Writes a stand-in KittenTTS model folder (config.json, kitten_tts_nano_v0_8.onnx, voices.npz) laid
out like the Hugging Face repo. Same inputs, outputs and length law as kitten-tts-nano; "nano" has
about its CPU cost, "tiny" is small and fast for unit tests. Random weights: it produces noise, not
speech. Serve it with KITTENTTS_MODEL_DIRS=kitten-tts-nano=DIR.

Options:
  --out DIR        folder to write (created if missing)
  --variant NAME   tiny (default) or nano
  --seed N         random seed (default 1); the output is deterministic per variant and seed`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  let values: { out?: string; variant?: string; seed?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { out: { type: 'string' }, variant: { type: 'string', default: 'tiny' }, seed: { type: 'string', default: '1' } },
      strict: true,
    }));
  } catch (err) {
    io.stderr.write(`kittentts standin: ${(err as Error).message}\n`);
    return 2;
  }
  if (!values.out) {
    io.stderr.write('kittentts standin: --out DIR is required\n');
    return 2;
  }
  if (!STANDIN_VARIANTS.includes(values.variant as StandinVariant)) {
    io.stderr.write(`kittentts standin: unknown variant '${values.variant}' (choose ${STANDIN_VARIANTS.join(', ')})\n`);
    return 2;
  }
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    io.stderr.write(`kittentts standin: --seed must be a non-negative integer\n`);
    return 2;
  }
  const info = await writeStandinModel(values.out, { variant: values.variant as StandinVariant, seed });
  io.stdout.write(`${JSON.stringify({ out: values.out, ...info })}\n`);
  return 0;
}
