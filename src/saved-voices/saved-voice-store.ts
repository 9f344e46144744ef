// Saved voices ("Narrator" = "Luna(2)+Jasper(1)"): the store interface every door reads through,
// and the single-process store, a JSON file under the cache dir. Lookups are synchronous, from a
// snapshot in memory, so a door checks a voice name as it checks a built-in one; writes go to
// disk first (temp file + rename: a crash leaves the old file or the new, never half of one).
import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConflictError } from '../errors.js';
import { MAX_SAVED_VOICES, parseStored, type SavedVoice } from './saved-voice-rules.js';

export interface SavedVoiceStore {
  /** The blend a saved name stands for, from the snapshot (undefined: not saved). */
  get(name: string): string | undefined;
  /** Every saved voice, sorted by name (with Redis: read afresh, refreshing the snapshot). */
  list(): Promise<SavedVoice[]>;
  /** Saves or replaces a checked voice (saved-voice-rules.ts); true when it is new. */
  save(voice: SavedVoice): Promise<boolean>;
  /** Deletes a saved voice; false when there was none of that name. */
  delete(name: string): Promise<boolean>;
  close(): Promise<void>;
}

export const SAVED_VOICES_FILE = 'saved-voices.json';

export function storeFullError(): ConflictError {
  return new ConflictError(
    `the voice store is full (${MAX_SAVED_VOICES} voices); delete one before saving another`,
  );
}

export function sortedVoices(voices: ReadonlyMap<string, string>): SavedVoice[] {
  return [...voices]
    .map(([name, blend]) => ({ name, blend }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Reads the file at start; a file that is there but unreadable stops the start, saying which. */
function readVoicesFile(file: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new Error(`cannot read the saved voices file ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  try {
    const data = JSON.parse(text) as { voices?: unknown };
    if (data.voices === null || typeof data.voices !== 'object') throw new Error('no "voices"');
    return parseStored(Object.entries(data.voices as Record<string, unknown>));
  } catch (err) {
    throw new Error(`the saved voices file ${file} is corrupt: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

export class FileVoiceStore implements SavedVoiceStore {
  private readonly voices: Map<string, string>;
  private readonly file: string;
  /** The last change's end: changes run one at a time, so the file holds the latest snapshot. */
  private writing: Promise<void> = Promise.resolve();
  private tmpSeq = 0;

  constructor(cacheDir: string) {
    this.file = path.join(cacheDir, SAVED_VOICES_FILE);
    this.voices = readVoicesFile(this.file);
  }

  get(name: string): string | undefined {
    return this.voices.get(name);
  }

  async list(): Promise<SavedVoice[]> {
    return sortedVoices(this.voices);
  }

  save({ name, blend }: SavedVoice): Promise<boolean> {
    return this.change((voices) => {
      const fresh = !voices.has(name);
      if (fresh && voices.size >= MAX_SAVED_VOICES) throw storeFullError();
      voices.set(name, blend);
      return fresh;
    });
  }

  delete(name: string): Promise<boolean> {
    return this.change((voices) => voices.delete(name));
  }

  async close(): Promise<void> {
    await this.writing;
  }

  /**
   * Applies `edit` to a copy of the voices, writes the copy, then makes it the snapshot. Changes
   * run one at a time, in order, each on the result of the one before.
   */
  private change<T>(edit: (voices: Map<string, string>) => T): Promise<T> {
    const run = async () => {
      const next = new Map(this.voices);
      const result = edit(next);
      await this.write(next);
      this.voices.clear();
      for (const [k, v] of next) this.voices.set(k, v);
      return result;
    };
    const done = this.writing.then(run, run);
    this.writing = done.then(
      () => undefined,
      () => undefined,
    );
    return done;
  }

  private async write(voices: ReadonlyMap<string, string>): Promise<void> {
    const tmp = `${this.file}.${process.pid}.${this.tmpSeq++}.tmp`;
    const body = { voices: Object.fromEntries(voices) };
    await mkdir(path.dirname(this.file), { recursive: true });
    await writeFile(tmp, `${JSON.stringify(body, null, 2)}\n`);
    await rename(tmp, this.file);
  }
}
