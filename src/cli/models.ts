// `kittentts models [--json]`: the four seed models and any KITTENTTS_MODEL_DIRS folders, with
// whether each is already in the cache (so `serve --offline` can be planned).
import { findCachedModel } from '../kitten/hub/hub.js';
import { SEED_MODELS } from '../kitten/hub/model-registry.js';
import type { CliIo } from './command.js';
import { configFromFlags, fail, parseFlags, settingOptions } from './flags.js';
import { formatTable } from './table.js';

export interface ModelRow {
  id: string;
  name: string;
  params: string;
  size: string;
  precision: string;
  quality: string;
  description: string;
  /** Hugging Face repo, or null for a local folder. */
  repo: string | null;
  /** Where the files are now: the cache snapshot or the local folder; null when not downloaded. */
  path: string | null;
}

export const help = `Usage: kittentts models [--json] [--cache-dir DIR] [--model-dirs id=DIR,…]

Lists the models the gateway serves: the four KittenTTS models (downloaded on first use) and any
local folders from KITTENTTS_MODEL_DIRS, with where their files are (PATH is "-" until pulled).

Options:
  --json                 print a JSON array instead of a table
  --cache-dir DIR        model cache (KITTENTTS_CACHE_DIR, default ~/.cache/kittentts)
  --model-dirs id=DIR,…  local model folders (KITTENTTS_MODEL_DIRS)`;

export async function listModels(
  cacheDir: string,
  modelDirs: Readonly<Record<string, string>>,
): Promise<ModelRow[]> {
  const rows: ModelRow[] = [];
  for (const m of SEED_MODELS) {
    const local = Object.hasOwn(modelDirs, m.id) ? modelDirs[m.id] : undefined;
    const cached = local === undefined ? await findCachedModel(m.repo, { cacheDir }) : undefined;
    const { id, name, params, size, precision, quality, description } = m;
    rows.push({
      id,
      name,
      params,
      size,
      precision,
      quality,
      description,
      repo: local === undefined ? m.repo : null,
      path: local ?? cached?.dir ?? null,
    });
  }
  for (const [id, dir] of Object.entries(modelDirs)) {
    if (rows.some((r) => r.id === id)) continue;
    rows.push({
      id,
      name: id,
      params: '',
      size: '',
      precision: '',
      quality: '',
      description: 'local folder',
      repo: null,
      path: dir,
    });
  }
  return rows;
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseFlags(argv, io, 'models', {
    options: { ...settingOptions(['cache-dir', 'model-dirs']), json: { type: 'boolean' } },
  });
  if (typeof parsed === 'number') return parsed;
  const json = parsed.values.json === true;
  let rows: ModelRow[];
  try {
    const config = configFromFlags(parsed.values, io.env);
    rows = await listModels(config.cacheDir, config.modelDirs);
  } catch (err) {
    return fail(io, 'models', (err as Error).message, 2);
  }
  if (json) {
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  const header = ['ID', 'NAME', 'PARAMS', 'SIZE', 'PATH'];
  io.stdout.write(
    formatTable(
      header,
      rows.map((r) => [r.id, r.name, r.params, r.size, r.path ?? '-']),
    ),
  );
  return 0;
}
