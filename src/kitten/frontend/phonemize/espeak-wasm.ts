// The wasm espeak-ng backend: the npm `phonemizer` package's build (always there, slower than
// native). This is the only module that touches the `phonemizer` package.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { VOICE, type EspeakEngine } from './espeak-engine.js';
import { WASM_LONE_WORDS } from './wasm-lone-words.js';

interface WasmWorker {
  set_voice(name: string): number;
  synthesize_ipa(text: string): { code: number; ipa: string };
}

/** A piece that is one word, as written alone or first in a sentence: its table key. */
function loneWordKey(piece: string): string | undefined {
  const word = piece.trim();
  if (!/^[A-Za-z]+$/.test(word)) return undefined;
  const lower = word.toLowerCase();
  return word === lower || word === lower[0]!.toUpperCase() + lower.slice(1) ? lower : undefined;
}

export interface WasmEngineOptions {
  /**
   * Say a lone word as libespeak-ng 1.51's espeak_TextToPhonemes does (wasm-lone-words.ts);
   * off only to regenerate that table. Default true.
   */
  loneWords?: boolean;
}

export async function createWasmEngine(options: WasmEngineOptions = {}): Promise<EspeakEngine> {
  const loneWords = options.loneWords ?? true;
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
    textToPhonemes: (piece) => {
      // The trace comes after espeak's intonation pass, which stresses a clause that has no
      // primary stress (a lone "you", "what"); the table holds 1.51's answer for those words.
      const key = loneWords ? loneWordKey(piece) : undefined;
      const known = key === undefined ? undefined : WASM_LONE_WORDS.get(key);
      if (known !== undefined) return known;
      // The phoneme trace has one line per clause; empty clauses are skipped as phonemizer does.
      return worker
        .synthesize_ipa(piece)
        .ipa.split('\n')
        .filter((l) => l.length > 0)
        .join(' ');
    },
  };
}
