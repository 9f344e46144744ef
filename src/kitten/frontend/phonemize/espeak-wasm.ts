// The wasm espeak-ng backend: the npm `phonemizer` package's build (always there, slower than
// native). This is the only module that touches the `phonemizer` package.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { VOICE, type EspeakEngine } from './espeak-engine.js';

interface WasmWorker {
  set_voice(name: string): number;
  synthesize_ipa(text: string): { code: number; ipa: string };
}

export async function createWasmEngine(): Promise<EspeakEngine> {
  // The package's phonemize() re-selects the voice on every call (several ms) and hides the
  // espeak worker; its self-contained CommonJS build is evaluated here to reach the worker.
  const require = createRequire(import.meta.url);
  const entry = require.resolve('phonemizer');
  const source = readFileSync(entry.replace(/\.js$/, '.cjs'), 'utf8');
  const pkg = JSON.parse(readFileSync(join(entry, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  const workerName = /const ([\w$]+)=new Promise\(\(\w+=>\{\w+\.calledRun\?/.exec(source)?.[1];
  if (workerName === undefined)
    throw new Error(`unsupported phonemizer package build ${pkg.version}`);
  const worker = (await new Function('exports', 'module', `${source}\n;return ${workerName};`)(
    {},
    {},
  )) as WasmWorker;
  worker.set_voice(VOICE);
  return {
    backend: 'wasm',
    version: `npm phonemizer ${pkg.version}`,
    // The phoneme trace has one line per clause; empty clauses are skipped as phonemizer does.
    textToPhonemes: (piece) =>
      worker
        .synthesize_ipa(piece)
        .ipa.split('\n')
        .filter((l) => l.length > 0)
        .join(' '),
  };
}
