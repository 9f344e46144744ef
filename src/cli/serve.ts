// `kittentts serve [--port N --host ADDR --workers N …]`: starts the gateway, exactly as `npm start`.
// Every settings flag (flags.ts) is accepted and overrides its environment variable.
import { ConfigError, type Config } from '../config.js';
import type { CliIo } from './command.js';
import {
  SETTING_FLAGS,
  configFromFlags,
  fail,
  parseFlags,
  settingOptions,
  type SettingFlag,
} from './flags.js';

const SERVE_FLAGS: readonly SettingFlag[] = Object.keys(SETTING_FLAGS) as SettingFlag[];

export const help = `Usage: kittentts serve [options]

Starts the gateway (REST, WebSocket and SSE on one port), the same as \`npm start\`. Every flag
overrides the environment variable of the same meaning; other settings are read from the
environment only (see docs/settings.md). Stops gracefully on SIGTERM or SIGINT.

Options:
  --port N                 listening port (PORT, default 7860; 0 picks a free one)
  --host ADDR              bind address (HOST, default 127.0.0.1; 0.0.0.0 for all interfaces)
  --workers N              inference worker threads (KITTENTTS_WORKERS, default: CPU cores)
  --threads-per-worker N   onnxruntime threads per worker (KITTENTTS_THREADS_PER_WORKER, default 1)
  --cache-dir DIR          model cache (KITTENTTS_CACHE_DIR, default ~/.cache/kittentts)
  --model-dirs id=DIR,…    serve models from local folders (KITTENTTS_MODEL_DIRS)
  --preload id,…           models to load at start-up (KITTENTTS_PRELOAD)
  --hf-endpoint URL        Hugging Face hub URL (HF_ENDPOINT)
  --offline                never touch the network (HF_HUB_OFFLINE=1)
  --log-level LEVEL        silent, error, warn, info or debug (KITTENTTS_LOG_LEVEL, default warn)
  --wyoming-port N         also serve Home Assistant's Wyoming protocol on this TCP port
                           (KITTENTTS_WYOMING_PORT, default off; 10200 is the convention)`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseFlags(argv, io, 'serve', { options: settingOptions(SERVE_FLAGS) });
  if (typeof parsed === 'number') return parsed;
  let config: Config;
  try {
    config = configFromFlags(parsed.values, io.env);
  } catch (err) {
    return fail(io, 'serve', (err as Error).message, 2);
  }
  // Loaded only now, for start-up cost: `serve --help` and a bad flag answer without loading the
  // whole gateway (Hono, the worker pool, the model catalogue). No import circle needs it.
  const { runServer } = await import('../main.js');
  try {
    await runServer(config);
  } catch (err) {
    const message =
      err instanceof ConfigError ? err.message : `cannot start: ${(err as Error).message}`;
    return fail(io, 'serve', message, 1);
  }
  // The open server keeps the process alive; runServer exits it on SIGTERM/SIGINT.
  return 0;
}
