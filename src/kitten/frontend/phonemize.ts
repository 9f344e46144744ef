// Text → phonemes exactly as upstream calls Python phonemizer 3.3:
// EspeakBackend('en-us', preserve_punctuation=True, with_stress=True).phonemize([chunk])[0].
// espeak-ng comes from the system libespeak-ng through koffi (fast, the goldens' build) or from the
// npm `phonemizer` package's WASM build (always there, slower); this is the only module touching either.
import { copyFileSync, existsSync, readFileSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, threadId } from 'node:worker_threads';
import { PY_WHITESPACE_CLASS, pyStrip } from './chunk.js';

export interface Phonemizer {
  phonemize(text: string): Promise<string>;
  /** 'native' (system libespeak-ng) or 'wasm' (npm phonemizer). */
  readonly backend: string;
  /** The espeak-ng build, e.g. "1.51" for native. */
  readonly version: string;
}

export type PhonemizerBackend = 'auto' | 'wasm' | 'native';

export interface PhonemizerOptions {
  /** 'auto' (default) takes native when the shared library loads, else wasm. */
  backend?: PhonemizerBackend;
  /** libespeak-ng to load; default: the usual system locations. */
  espeakLibraryPath?: string;
  /** Pieces kept in the per-phonemizer LRU cache (LLM text repeats words and phrases). */
  cacheEntries?: number;
}

export const DEFAULT_PHONEMIZER_OPTIONS = { backend: 'auto', cacheEntries: 4096 } as const;

export const ESPEAK_LIBRARY_CANDIDATES = [
  '/usr/lib/x86_64-linux-gnu/libespeak-ng.so.1',
  '/usr/lib/aarch64-linux-gnu/libespeak-ng.so.1',
  '/usr/lib64/libespeak-ng.so.1',
  '/usr/lib/libespeak-ng.so.1',
  '/usr/local/lib/libespeak-ng.so.1',
  '/opt/homebrew/lib/libespeak-ng.dylib',
  '/usr/local/lib/libespeak-ng.dylib',
];

const VOICE = 'en-us';

// phonemizer's default marks; a run of them with the whitespace around it is one mark.
const MARKS = ';:,.!?¡¿—…"«»“”(){}[]';
const MARKS_RE = new RegExp(
  `(?:[${PY_WHITESPACE_CLASS}]*[${MARKS.replace(/[\\\][^-]/g, '\\$&')}]+[${PY_WHITESPACE_CLASS}]*)+`,
  'gu',
);

interface Mark {
  text: string;
  position: 'B' | 'I' | 'E' | 'A';
}

/** `Punctuation.preserve` for one line: the non-empty pieces to phonemize, and the marks. */
export function preservePunctuation(line: string): { pieces: string[]; marks: Mark[] } {
  const found = [...line.matchAll(MARKS_RE)].map((m) => m[0]);
  if (found.length === 0) return { pieces: line === '' ? [] : [line], marks: [] };
  if (found.length === 1 && found[0] === line)
    return { pieces: [], marks: [{ text: line, position: 'A' }] };
  const marks = found.map((text, i): Mark => {
    // Python compares the strings, not match offsets: startswith/endswith.
    if (i === 0 && line.startsWith(text)) return { text, position: 'B' };
    if (i === found.length - 1 && line.endsWith(text)) return { text, position: 'E' };
    return { text, position: 'I' };
  });
  const pieces: string[] = [];
  let rest = line;
  for (const mark of marks) {
    const at = rest.indexOf(mark.text);
    pieces.push(rest.slice(0, at));
    rest = rest.slice(at + mark.text.length);
  }
  pieces.push(rest);
  return { pieces: pieces.filter((p) => p !== ''), marks };
}

/** `Punctuation.restore` (word separator ' ', strip=False) for one line; upstream keeps element 0. */
export function restorePunctuation(phonemized: string[], marks: readonly Mark[]): string {
  const text = [...phonemized];
  const out: string[] = [];
  let pending = [...marks];
  let pos = 0;
  while (text.length > 0 || pending.length > 0) {
    if (pending.length === 0) {
      for (const line of text) out.push(line.endsWith(' ') ? line : `${line} `);
      text.length = 0;
    } else if (text.length === 0) {
      out.push(pending.map((m) => m.text).join(''));
      pending = [];
    } else if (pos === 0) {
      // Every mark of a single line has index 0, so all of them are placed here.
      const mark = pending.shift()!;
      if (text[0]!.endsWith(' ')) text[0] = text[0]!.slice(0, -1);
      const trail = mark.text.endsWith(' ') ? '' : ' ';
      if (mark.position === 'B') text[0] = mark.text + text[0]!;
      else if (mark.position === 'E') {
        out.push(text.shift()! + mark.text + trail);
        pos++;
      } else if (mark.position === 'A') {
        out.push(mark.text + trail);
        pos++;
      } else if (text.length === 1) text[0] = text[0]! + mark.text;
      else text.splice(0, 2, text[0]! + mark.text + text[1]!);
    } else {
      out.push(text.shift()!);
      pos++;
    }
  }
  return out[0] ?? '';
}

const UNDERSCORES = /_+/g;
const WORD_END_SEPARATOR = /_ /g;

/** `EspeakBackend._postprocess_line`: espeak's clauses → words, each followed by one space. */
export function postprocessEspeak(raw: string): string {
  const line = pyStrip(raw)
    .replaceAll('\n', ' ')
    .replaceAll('  ', ' ')
    .replace(UNDERSCORES, '_')
    .replace(WORD_END_SEPARATOR, ' ');
  if (line === '') return '';
  let out = '';
  for (const word of line.split(' ')) out += `${pyStrip(word).replaceAll('_', '')} `;
  return out;
}

/** One espeak-ng instance set to en-us: a punctuation-free piece → its clauses joined by ' '. */
interface EspeakEngine {
  readonly backend: 'native' | 'wasm';
  readonly version: string;
  textToPhonemes(piece: string): string;
}

// One engine per thread and backend: espeak keeps global state, so it is never shared.
const engines = new Map<string, Promise<EspeakEngine>>();

function findEspeakLibrary(explicit: string | undefined): string | undefined {
  if (explicit !== undefined) return existsSync(explicit) ? explicit : undefined;
  return ESPEAK_LIBRARY_CANDIDATES.find((p) => existsSync(p));
}

async function createNativeEngine(libraryPath: string): Promise<EspeakEngine> {
  const { default: koffi } = await import('koffi');
  let lib: ReturnType<typeof koffi.load>;
  if (isMainThread) lib = koffi.load(libraryPath);
  else {
    // libespeak-ng is all globals and not thread-safe. Worker threads share one process, so each
    // loads a private copy of the file: a distinct dlopen() target has its own globals.
    const copy = join(
      tmpdir(),
      `kittentts-espeak-${process.pid}-${threadId}${libraryPath.endsWith('.dylib') ? '.dylib' : '.so'}`,
    );
    copyFileSync(libraryPath, copy);
    try {
      lib = koffi.load(copy, { deep: true });
    } finally {
      unlinkSync(copy);
    }
  }
  const initialize = lib.func(
    'int espeak_Initialize(int output, int buflength, const char *path, int options)',
  );
  const info = lib.func('const char *espeak_Info(_Out_ const char **path)');
  const setVoiceByName = lib.func('int espeak_SetVoiceByName(const char *name)');
  // The text pointer is advanced clause by clause (NULL at the end); uint64 carries it as an address.
  const textToPhonemes = lib.func(
    'const char *espeak_TextToPhonemes(_Inout_ uint64_t *textptr, int textmode, int phonememode)',
  );
  const AUDIO_OUTPUT_SYNCHRONOUS = 0x02;
  const INITIALIZE_DONT_EXIT = 0x8000;
  if (initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, null, INITIALIZE_DONT_EXIT) <= 0)
    throw new Error('espeak_Initialize failed');
  if (setVoiceByName(VOICE) !== 0) throw new Error(`espeak-ng has no voice ${VOICE}`);
  const version = String(info([null]));
  // phonemizer's mode: UTF-8 input; IPA output with '_' between phonemes (removed in post-processing).
  const TEXT_MODE_UTF8 = 1;
  const PHONEME_MODE = (0x5f << 8) | 0x02;
  return {
    backend: 'native',
    version,
    textToPhonemes(piece) {
      const text = Buffer.from(`${piece}\0`, 'utf8');
      const cursor: (bigint | number)[] = [koffi.address(text)];
      const clauses: string[] = [];
      while (cursor[0] !== 0n && cursor[0] !== 0) {
        const clause = textToPhonemes(cursor, TEXT_MODE_UTF8, PHONEME_MODE) as string | null;
        if (clause) clauses.push(clause);
      }
      text.fill(0); // keeps `text` alive (and its address valid) until the loop is done
      return clauses.join(' ');
    },
  };
}

interface WasmWorker {
  set_voice(name: string): number;
  synthesize_ipa(text: string): { code: number; ipa: string };
}

async function createWasmEngine(): Promise<EspeakEngine> {
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

async function getEngine(options: PhonemizerOptions): Promise<EspeakEngine> {
  const backend = options.backend ?? DEFAULT_PHONEMIZER_OPTIONS.backend;
  const libraryPath = backend === 'wasm' ? undefined : findEspeakLibrary(options.espeakLibraryPath);
  if (backend === 'native' && libraryPath === undefined) {
    throw new Error(
      `libespeak-ng not found (looked in ${options.espeakLibraryPath ?? ESPEAK_LIBRARY_CANDIDATES.join(', ')})`,
    );
  }
  const key = libraryPath ?? 'wasm';
  let engine = engines.get(key);
  if (engine === undefined) {
    engine = libraryPath === undefined ? createWasmEngine() : createNativeEngine(libraryPath);
    engines.set(key, engine);
    engine.catch(() => engines.delete(key));
  }
  if (backend !== 'auto' || libraryPath === undefined) return engine;
  return engine.catch(() => getEngine({ ...options, backend: 'wasm' }));
}

/** A bounded least-recently-used map (Map keeps insertion order). */
class LruCache {
  readonly #map = new Map<string, string>();
  constructor(readonly capacity: number) {}
  get(key: string): string | undefined {
    const value = this.#map.get(key);
    if (value !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, value);
    }
    return value;
  }
  set(key: string, value: string): void {
    if (this.capacity <= 0) return;
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.capacity) this.#map.delete(this.#map.keys().next().value!);
  }
}

export async function createPhonemizer(options: PhonemizerOptions = {}): Promise<Phonemizer> {
  const engine = await getEngine(options);
  const cache = new LruCache(options.cacheEntries ?? DEFAULT_PHONEMIZER_OPTIONS.cacheEntries);
  const phonemizePiece = (piece: string): string => {
    let phonemes = cache.get(piece);
    if (phonemes === undefined) {
      phonemes = postprocessEspeak(engine.textToPhonemes(piece));
      cache.set(piece, phonemes);
    }
    return phonemes;
  };
  return {
    backend: engine.backend,
    version: engine.version,
    async phonemize(text) {
      const { pieces, marks } = preservePunctuation(text);
      return restorePunctuation(pieces.map(phonemizePiece), marks);
    },
  };
}
