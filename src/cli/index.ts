#!/usr/bin/env node
// The `kittentts` command-line tool (the package's bin): a thin dispatcher; each command lives in
// its own file in src/cli/ and is loaded only when used, so `frontend` never pays for onnxruntime
// and vice versa.

import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CliCommand, CliIo } from './command.js';

const COMMANDS: Record<string, { summary: string; load: () => Promise<CliCommand> }> = {
  serve: { summary: 'start the gateway (same as npm start)', load: () => import('./serve.js') },
  say: { summary: 'synthesize text to a file or stdout', load: () => import('./say.js') },
  pull: { summary: 'download a model into the cache', load: () => import('./pull.js') },
  models: { summary: 'list the models', load: () => import('./models.js') },
  voices: { summary: 'list the voices', load: () => import('./voices.js') },
  frontend: {
    summary: 'text → chunks, phonemes, input_ids (JSON Lines)',
    load: () => import('./frontend.js'),
  },
  standin: {
    summary: 'write a stand-in model folder (tests, benchmarks)',
    load: () => import('./standin.js'),
  },
};

function usage(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `Usage: kittentts <command> [options]\n\nCommands:\n${rows.join('\n')}\n\nRun "kittentts <command> --help" for a command's options.\n`;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(usage());
    return name === undefined ? 2 : 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.stderr.write(`kittentts: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.help.endsWith('\n') ? command.help : `${command.help}\n`);
    return 0;
  }
  return command.run(rest, io);
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    // The npm bin is a symlink to this file: compare real paths.
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  main(process.argv.slice(2), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`kittentts: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
