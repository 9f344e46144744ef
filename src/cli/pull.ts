// `kittentts pull <model-id>`: downloads a model into the cache (progress on stderr) and prints the
// snapshot folder on stdout, so scripts can use it: KITTENTTS_MODEL_DIRS=nano=$(kittentts pull nano).
import { downloadModel, findCachedModel } from '../kitten/hub/hub.js';
import { resolveModelRef } from '../kitten/hub/model-registry.js';
import type { CliIo } from './command.js';
import { configFromFlags, fail, parseFlags, settingOptions } from './flags.js';
import { createProgressRenderer } from './progress.js';

export const help = `Usage: kittentts pull <model-id> [options]

Downloads a model into the cache, laid out like the Hugging Face hub cache (a cache written by
Python kittentts with the same cache_dir is reused), and prints the snapshot folder on stdout.
Progress goes to stderr: a bar on a terminal, a line every few seconds otherwise. An interrupted
download resumes when run again.

<model-id> is a gateway id (kitten-tts-nano, kitten-tts-mini, kitten-tts-micro,
kitten-tts-nano-int8), a hub repo (KittenML/kitten-tts-mini-0.8) or a bare repo name.

Options:
  --revision REV      branch, tag or commit (default main)
  --cache-dir DIR     model cache (KITTENTTS_CACHE_DIR, default ~/.cache/kittentts)
  --hf-endpoint URL   hub URL (HF_ENDPOINT, default https://huggingface.co); HF_TOKEN is read from the environment
  --offline           only check the cache (HF_HUB_OFFLINE=1)
  --quiet             no progress output`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseFlags(argv, io, 'pull', {
    options: {
      ...settingOptions(['cache-dir', 'hf-endpoint', 'offline']),
      revision: { type: 'string' },
      quiet: { type: 'boolean' },
    },
    allowPositionals: true,
  });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) return fail(io, 'pull', 'expected exactly one <model-id>', 2);
  let config;
  let ref;
  try {
    config = configFromFlags(values, io.env);
    ref = resolveModelRef(positionals[0]!);
  } catch (err) {
    return fail(io, 'pull', (err as Error).message, 2);
  }
  if (ref.kind === 'dir') {
    return fail(io, 'pull', `'${ref.id}' is a local folder; there is nothing to download`, 2);
  }
  const revision = values.revision;
  const cached = await findCachedModel(ref.repo, { cacheDir: config.cacheDir, revision });
  const progress = values.quiet ? undefined : createProgressRenderer(io.stderr);
  try {
    const snapshot =
      cached ??
      (await downloadModel(ref.repo, {
        endpoint: config.hfEndpoint,
        token: config.hfToken,
        offline: config.hfOffline,
        cacheDir: config.cacheDir,
        revision,
        onProgress: progress?.update,
      }));
    progress?.finish();
    if (!values.quiet) {
      const how = cached ? 'already in the cache' : 'downloaded';
      io.stderr.write(`${ref.repo} (revision ${snapshot.revision.slice(0, 12)}) ${how}\n`);
    }
    io.stdout.write(`${snapshot.dir}\n`);
    return 0;
  } catch (err) {
    progress?.finish();
    return fail(io, 'pull', (err as Error).message, 1);
  }
}
