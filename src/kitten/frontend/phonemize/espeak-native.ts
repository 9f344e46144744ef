// The native espeak-ng backend: the system libespeak-ng (the goldens' build, and fast), called
// through koffi. This is the only module that loads koffi or libespeak-ng.
import { copyFileSync, existsSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, threadId } from 'node:worker_threads';
import { VOICE, type EspeakEngine } from './espeak-engine.js';

export const ESPEAK_LIBRARY_CANDIDATES = [
  '/usr/lib/x86_64-linux-gnu/libespeak-ng.so.1',
  '/usr/lib/aarch64-linux-gnu/libespeak-ng.so.1',
  '/usr/lib64/libespeak-ng.so.1',
  '/usr/lib/libespeak-ng.so.1',
  '/usr/local/lib/libespeak-ng.so.1',
  '/opt/homebrew/lib/libespeak-ng.dylib',
  '/usr/local/lib/libespeak-ng.dylib',
];

/** The library to load: the explicit path if it exists, else the first candidate that does. */
export function findEspeakLibrary(explicit: string | undefined): string | undefined {
  if (explicit !== undefined) return existsSync(explicit) ? explicit : undefined;
  return ESPEAK_LIBRARY_CANDIDATES.find((p) => existsSync(p));
}

export async function createNativeEngine(libraryPath: string): Promise<EspeakEngine> {
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
