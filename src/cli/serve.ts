// `kittentts serve [--port N --host ADDR --workers N …]`: starts the gateway, exactly as `npm start`.
// Also home of the settings flags every command shares: a flag is turned back into its environment
// variable and handed to loadConfig, so config.ts stays the one place settings are parsed.
import { parseArgs } from 'node:util';
import type { CliIo } from './index.js';
import { ConfigError, loadConfig, type Config } from '../config.js';

/** CLI flag → the environment variable of the same meaning (interfaces.md "Settings"). */
export const SETTING_FLAGS = {
  port: 'PORT',
  host: 'HOST',
  workers: 'KITTENTTS_WORKERS',
  'threads-per-worker': 'KITTENTTS_THREADS_PER_WORKER',
  'cache-dir': 'KITTENTTS_CACHE_DIR',
  'model-dirs': 'KITTENTTS_MODEL_DIRS',
  preload: 'KITTENTTS_PRELOAD',
  'hf-endpoint': 'HF_ENDPOINT',
  offline: 'HF_HUB_OFFLINE',
  'log-level': 'KITTENTTS_LOG_LEVEL',
} as const;

export type SettingFlag = keyof typeof SETTING_FLAGS;

/** parseArgs options for the named setting flags (`--offline` is a switch, the rest take a value). */
export function settingOptions(names: readonly SettingFlag[]) {
  return Object.fromEntries(
    names.map((n) => [n, { type: n === 'offline' ? ('boolean' as const) : ('string' as const) }]),
  ) as Record<SettingFlag, { type: 'string' | 'boolean' }>;
}

/** The environment with the flags given laid over it, parsed by loadConfig (throws ConfigError). */
export function configFromFlags(
  values: Readonly<Record<string, string | boolean | undefined>>,
  env: Readonly<Record<string, string | undefined>>,
): Config {
  const overrides: Record<string, string> = {};
  for (const [flag, name] of Object.entries(SETTING_FLAGS)) {
    const value = values[flag];
    if (typeof value === 'string') overrides[name] = value;
    else if (value === true) overrides[name] = '1';
  }
  return loadConfig({ ...env, ...overrides });
}

/** Writes `kittentts <command>: message` to stderr and returns the exit code. */
export function fail(io: CliIo, command: string, message: string, code: number): number {
  io.stderr.write(`kittentts ${command}: ${message}\n`);
  return code;
}

const SERVE_FLAGS: readonly SettingFlag[] = Object.keys(SETTING_FLAGS) as SettingFlag[];

export const help = `Usage: kittentts serve [options]

Starts the gateway (REST, WebSocket and SSE on one port), the same as \`npm start\`. Every flag
overrides the environment variable of the same meaning; other settings are read from the
environment only (see the README's settings table). Stops gracefully on SIGTERM or SIGINT.

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
  --log-level LEVEL        silent, error, warn, info or debug (KITTENTTS_LOG_LEVEL, default warn)`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  let config: Config;
  try {
    const { values } = parseArgs({
      args: argv,
      options: settingOptions(SERVE_FLAGS),
      strict: true,
    });
    config = configFromFlags(values, io.env);
  } catch (err) {
    return fail(io, 'serve', (err as Error).message, 2);
  }
  // Loaded here, not at the top: the other commands share this file's helpers without the server.
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
