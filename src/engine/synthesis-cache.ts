// The synthesis cache: audio of model chunks already made, so a phrase that comes back ("One
// moment, please.", a greeting) costs no inference. A bounded LRU by bytes, and single flight:
// identical chunks asked for at the same time run once and every asker gets the result.
//
// The key holds everything that changes the audio: the model (id, and its .onnx and voices.npz
// by path, size and modification time), the resolved voice (keys and normalized weights of the mix,
// and the speed after the model's priors: what the graph receives, so a blend and its saved name
// share entries), the chunk's exact text as the phonemizer gets it (normalized or
// not: planChunks already did that), and the trim rule. With the real models, whose graphs hold
// random operations, a cached phrase therefore sounds the same every time.
import { statSync } from 'node:fs';
import { LRUCache } from 'lru-cache';
import type { ModelFiles } from '../kitten/model-files.js';
import { TRIM_TAIL_SAMPLES } from '../kitten/trim.js';
import type { ResolvedVoice } from '../kitten/voice-blend.js';
import type { WordSpan } from '../kitten/word-spans.js';

/** A chunk's result as the cache holds it: the audio and its words' timings, which come back alike. */
export interface CachedChunk {
  readonly audio: Float32Array;
  readonly words: readonly WordSpan[];
}

/** Bytes a chunk holds: its audio, plus a rough figure for each word's object and text. */
function chunkBytes({ audio, words }: CachedChunk): number {
  let bytes = audio.byteLength;
  for (const w of words) bytes += 64 + 2 * w.text.length;
  return Math.max(1, bytes);
}

export interface CacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
  readonly bytes: number;
  readonly entries: number;
}

export interface ChunkKeyParts {
  readonly files: ModelFiles;
  readonly voice: ResolvedVoice;
  readonly text: string;
}

/** The cache key: everything the worker's answer depends on. */
export function chunkKey({ files, voice, text }: ChunkKeyParts): string {
  return JSON.stringify([
    modelIdentity(files),
    voice.mix.map(({ key, weight }) => [key, weight]),
    voice.speed,
    `trim:${TRIM_TAIL_SAMPLES}`,
    text,
  ]);
}

// The model store resolves each id once and hands out the same ModelFiles from then on (a worker
// loads it once too), so the files are looked at once per resolution, not once per chunk.
const identities = new WeakMap<ModelFiles, string>();

function modelIdentity(files: ModelFiles): string {
  let identity = identities.get(files);
  if (identity === undefined) {
    identity = [files.id, fileIdentity(files.modelPath), fileIdentity(files.voicesPath)].join('|');
    identities.set(files, identity);
  }
  return identity;
}

function fileIdentity(path: string): string {
  try {
    const s = statSync(path);
    return `${path}:${s.size}:${s.mtimeMs}`;
  } catch {
    return path;
  }
}

/** When an asker needs the chunk (engine-clock ms; read at every scheduling decision). */
export type Deadline = () => number;

/** A synthesis under way that later askers of the same chunk wait for. */
interface Flight {
  /** Askers waiting for it besides the first. */
  joined: number;
  /** Every asker's deadline: the synthesis is due by the earliest of them. */
  readonly deadlines: Deadline[];
  readonly done: Promise<CachedChunk>;
}

export class SynthesisCache {
  private readonly lru: LRUCache<string, CachedChunk> | undefined;
  private readonly flights = new Map<string, Flight>();
  private counts = { hits: 0, misses: 0, evictions: 0 };

  /** `maxBytes` 0 turns the cache (and single flight) off. */
  constructor(readonly maxBytes: number) {
    this.lru =
      maxBytes > 0
        ? new LRUCache<string, CachedChunk>({
            maxSize: maxBytes,
            sizeCalculation: chunkBytes,
            dispose: (_audio, _key, reason) => {
              if (reason === 'evict') this.counts.evictions++;
            },
          })
        : undefined;
  }

  get enabled(): boolean {
    return this.lru !== undefined;
  }

  /**
   * The chunk's audio and words: from the cache (the audio a copy: callers may hand it on or
   * transfer it; the words frozen, shared), from a synthesis of the same chunk already running, or
   * from `make()`, whose result is then kept. `hit` says whether any inference ran for this call.
   * `make` is given the deadline to schedule by: the earliest of every asker's who joins it.
   */
  async get(
    key: string | undefined,
    make: (deadline: Deadline) => Promise<CachedChunk>,
    deadline: Deadline = () => Infinity,
    signal?: AbortSignal,
  ): Promise<CachedChunk & { hit: boolean }> {
    if (!this.lru || key === undefined) return { ...(await make(deadline)), hit: false };
    // An aborted asker gets nothing, even what costs nothing (make() sees the signal itself).
    signal?.throwIfAborted();
    const cached = this.lru.get(key);
    if (cached) {
      this.counts.hits++;
      return { audio: cached.audio.slice(), words: cached.words, hit: true };
    }
    const flight = this.flights.get(key);
    if (flight) {
      flight.joined++;
      flight.deadlines.push(deadline);
      // A joiner stops waiting when its own signal aborts; the flight goes on for its owner.
      const chunk = await untilAborted(
        flight.done.catch(() => undefined),
        signal,
      );
      // The first asker's synthesis failed (it was aborted, say): this one makes its own.
      if (chunk) {
        this.counts.hits++;
        return { audio: chunk.audio.slice(), words: chunk.words, hit: true };
      }
      return this.get(key, make, deadline, signal);
    }
    this.counts.misses++;
    return { ...(await this.fly(key, make, deadline)), hit: false };
  }

  /**
   * Runs `make()` for the askers of `key`, and keeps its result when it fits. The first asker gets
   * the audio itself unless the cache or a later asker holds it too (then a copy): a chunk too big
   * to keep is not copied for nobody.
   */
  private async fly(
    key: string,
    make: (deadline: Deadline) => Promise<CachedChunk>,
    deadline: Deadline,
  ): Promise<CachedChunk> {
    const deadlines = [deadline];
    const earliest = () => Math.min(...deadlines.map((d) => d()));
    const flight: Flight = {
      joined: 0,
      deadlines,
      done: make(earliest).then(
        (chunk) => {
          // Decided here, once: no one joins a flight that has landed.
          this.flights.delete(key);
          const kept = { audio: chunk.audio, words: Object.freeze([...chunk.words]) };
          if (chunkBytes(kept) <= this.maxBytes) this.lru!.set(key, kept);
          return kept;
        },
        (err: unknown) => {
          this.flights.delete(key);
          throw err;
        },
      ),
    };
    this.flights.set(key, flight);
    const kept = await flight.done;
    const shared = flight.joined > 0 || this.lru!.peek(key) === kept;
    return shared ? { audio: kept.audio.slice(), words: kept.words } : kept;
  }

  stats(): CacheStats {
    return {
      ...this.counts,
      bytes: this.lru?.calculatedSize ?? 0,
      entries: this.lru?.size ?? 0,
    };
  }
}

/** `promise`, or a rejection with the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
