// Flag handling every command shares: parsing argv (or failing with exit code 2), the settings
// flags, and the `kittentts <command>: message` error line. A settings flag is turned back into
// its environment variable and handed to loadConfig, so config.ts stays the one place settings
// are parsed.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig, type Config } from '../config.js';
import type { CliIo } from './command.js';

/** CLI flag → the environment variable of the same meaning (docs/settings.md). */
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
  'wyoming-port': 'KITTENTTS_WYOMING_PORT',
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

/** parseArgs's answer for that config. */
export type ParsedFlags<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<T>>;

/**
 * parseArgs over argv, always strict (`args` and `strict` in config are overridden). An unknown
 * flag, a missing value or an unexpected positional is a usage error: `onError` reports it and its
 * exit code is returned instead of the flags (by default the `kittentts <command>: message` line
 * and 2). Callers tell the two apart with `typeof parsed === 'number'`.
 */
export function parseFlags<T extends ParseArgsConfig>(
  argv: string[],
  io: CliIo,
  command: string,
  config: T,
  onError: (message: string) => number = (message) => fail(io, command, message, 2),
): ParsedFlags<T> | number {
  try {
    return parseArgs({ ...config, args: argv, strict: true }) as ParsedFlags<T>;
  } catch (err) {
    return onError((err as Error).message);
  }
}
