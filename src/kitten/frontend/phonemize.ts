// Text → phonemes exactly as upstream calls Python phonemizer 3.3:
// EspeakBackend('en-us', preserve_punctuation=True, with_stress=True).phonemize([chunk])[0].
// The entry point of phonemize/: this file picks the espeak-ng build and caches per piece;
// phonemize/punctuation.ts cuts out and restores the marks, phonemize/espeak-engine.ts is what
// either build provides (and the post-processing of its output), phonemize/espeak-native.ts loads
// the system libespeak-ng through koffi (fast, the goldens' build) and phonemize/espeak-wasm.ts the
// npm `phonemizer` package's WASM build (always there, slower).
import { postprocessEspeak, type EspeakEngine } from './phonemize/espeak-engine.js';
import {
  ESPEAK_LIBRARY_CANDIDATES,
  createNativeEngine,
  findEspeakLibrary,
} from './phonemize/espeak-native.js';
import { createWasmEngine } from './phonemize/espeak-wasm.js';
import { preservePunctuation, restorePunctuation } from './phonemize/punctuation.js';

export { ESPEAK_LIBRARY_CANDIDATES, postprocessEspeak, preservePunctuation, restorePunctuation };

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

/**
 * The backend `createPhonemizer()` picks under 'auto' on this machine (the workers' choice), known
 * without loading espeak-ng: native when a system libespeak-ng is there, else the bundled WASM.
 */
export function autoPhonemizerBackend(espeakLibraryPath?: string): 'native' | 'wasm' {
  return findEspeakLibrary(espeakLibraryPath) === undefined ? 'wasm' : 'native';
}

// One engine per thread and backend: espeak keeps global state, so it is never shared.
const engines = new Map<string, Promise<EspeakEngine>>();

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
