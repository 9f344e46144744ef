// `kittentts standin --out DIR [--variant tiny|nano|nano-int8] [--seed N]`: writes a stand-in model
// folder laid out like the Hugging Face repo, for tests, benchmarks and air-gapped trials.
import { STANDIN_VARIANTS, writeStandinModel, type StandinVariant } from '../standin/standin.js';
import type { CliIo } from './command.js';
import { fail, parseFlags } from './flags.js';

export const help = `Usage: kittentts standin --out DIR [--variant tiny|nano|nano-int8] [--seed N]

Writes a stand-in KittenTTS model folder (config.json, kitten_tts_nano_v0_8.onnx, voices.npz) laid
out like the Hugging Face repo KittenML/kitten-tts-nano-0.8. It has the real model's inputs, outputs
and length law (600 samples per duration frame); "nano" also has about its size and CPU cost,
"nano-int8" is its dynamically quantized form, "tiny" is small and fast for unit tests. Random
weights: it produces noise, not speech. Serve it with KITTENTTS_MODEL_DIRS=kitten-tts-nano=DIR.

Options:
  --out DIR        folder to write (created if missing; existing model files are replaced)
  --variant NAME   tiny (default), nano or nano-int8
  --seed N         random seed, an integer in [0, 2^32) (default 1); same seed, same bytes`;

function usageError(io: CliIo, message: string): number {
  return fail(io, 'standin', `${message}\nRun "kittentts standin --help" for usage.`, 2);
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseFlags(
    argv,
    io,
    'standin',
    {
      options: {
        out: { type: 'string' },
        variant: { type: 'string', default: 'tiny' },
        seed: { type: 'string', default: '1' },
      },
      allowPositionals: false,
    },
    (message) => usageError(io, message),
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  if (!values.out) return usageError(io, '--out DIR is required');
  const variant = values.variant as StandinVariant;
  if (!STANDIN_VARIANTS.includes(variant)) {
    return usageError(
      io,
      `unknown variant '${values.variant}' (choose ${STANDIN_VARIANTS.join(', ')})`,
    );
  }
  const seedText = values.seed ?? '1';
  const seed = Number(seedText);
  if (!/^\d+$/.test(seedText) || !Number.isSafeInteger(seed) || seed > 0xffffffff) {
    return usageError(io, `--seed must be an integer in [0, 2^32), got '${seedText}'`);
  }
  const started = performance.now();
  const info = await writeStandinModel(values.out, { variant, seed });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  io.stdout.write(`${JSON.stringify({ out: values.out, ...info, seconds: Number(seconds) })}\n`);
  return 0;
}
