// The Engine: what the session and HTTP layers see of inference. The scheduler and the piscina
// pool behind it (engine/scheduler.ts, engine/pool.ts) are implementation details; nothing above
// this interface knows about threads.
import type { JobKind } from './scheduler.js';
import type { PhonemizedChunk, WordSpan } from './protocol.js';
import type { CacheStats } from './synthesis-cache.js';

export type { JobKind } from './scheduler.js';

/** When a request's audio is needed, for the deadline scheduler (docs/architecture.md "Scheduling"). */
export interface ChunkSchedule {
  /** realtime: a listener plays this audio as it comes; oneshot: the whole answer is awaited. */
  readonly kind: JobKind;
  /**
   * Engine-clock ms (Engine.now) at which the request's first chunk's audio is needed; read at
   * every scheduling decision, so it may move. Later chunks of the request follow at the pace of
   * the (estimated) audio before them.
   */
  neededAtMs(): number;
  /** The session the request belongs to. */
  readonly group?: string;
  /** The first chunk of a turn: a listener is waiting for first audio. */
  readonly opensTurn?: boolean;
  /** Told when the request's first chunk starts on a worker (the chunk-lifecycle trace). */
  readonly onDispatch?: (worker: number, deadlineMs: number) => void;
}

export interface SynthesisRequest {
  /** Gateway model id (kitten-tts-nano, …) or a model registered from a local folder. */
  readonly modelId: string;
  readonly text: string;
  /** Display name (Bella…) or expr-voice-* key; validated before it reaches the engine. */
  readonly voice: string;
  readonly speed: number;
  /** Apply the text normalizer (default true). */
  readonly normalize?: boolean;
  /** Aborting drops the request's queued chunks; a running chunk finishes and its result is dropped. */
  readonly signal?: AbortSignal;
  /** Default: a one-shot, needed at arrival + the one-shot slack. */
  readonly schedule?: ChunkSchedule;
  /** The server's own work (cache warm-up), not a client's: /api/stats leaves it out. */
  readonly internal?: boolean;
}

export interface SynthesisChunk {
  readonly text: string;
  readonly samples: number;
  /** Its words, timed from the chunk's own start (engine/word-timings.ts makes them wire words). */
  readonly words: readonly WordSpan[];
}

/** Everything about a synthesis but its audio. */
export interface SynthesisSummary {
  /** Every chunk came from the synthesis cache: no worker ran for it. */
  readonly cached?: boolean;
  readonly sampleRateHz: number;
  readonly durationS: number;
  readonly chunks: readonly SynthesisChunk[];
  readonly timings: {
    /** Model download + session creation paid by this request (0 when warm). */
    readonly loadS: number;
    /** Time in the workers: front-end + inference, summed over chunks. */
    readonly generationS: number;
    readonly frontendS: number;
    readonly inferenceS: number;
    /** Waiting for a free worker (the first chunk's wait). */
    readonly queueS: number;
  };
}

export interface Synthesis extends SynthesisSummary {
  /** Float32 mono audio at 24 kHz, trimmed per chunk as upstream does. */
  readonly samples: Float32Array;
}

/** One model chunk's audio, handed over in order as soon as it and every chunk before it exist. */
export type ChunkSink = (samples: Float32Array, index: number, words: readonly WordSpan[]) => void;

export interface PhonemizeRequest {
  readonly modelId: string;
  readonly text: string;
  readonly normalize: boolean;
}

export interface EngineStats {
  readonly workers: number;
  readonly busyWorkers: number;
  /** Workers whose thread died and is still being replaced. */
  readonly downWorkers: number;
  readonly queued: number;
  readonly completed: number;
}

/** What a streaming session needs of the engine. */
export interface SessionEngine {
  synthesize(request: SynthesisRequest): Promise<Synthesis>;
  /** The clock deadlines are read on (ms). */
  now(): number;
  /** Seconds of audio this text will make (measured per model; a prior before the first chunk). */
  estimateAudioS(modelId: string, text: string): number;
  /** Worker seconds this text will cost. */
  estimateCostS(modelId: string, text: string): number;
  /**
   * Seconds a chunk due at `deadlineMs` (engine clock) would wait for a worker: the estimated
   * synthesis seconds of the work ahead of it (running, and queued with an earlier deadline),
   * divided by the worker count. Load-aware chunking reads it.
   */
  queueAheadS(deadlineMs: number): number;
}

export interface Engine extends SessionEngine {
  /**
   * As synthesize, but each chunk's audio goes to `onChunk` in order and is not kept: memory
   * follows the chunks in flight, not the length of the text.
   */
  synthesizeEach(request: SynthesisRequest, onChunk: ChunkSink): Promise<SynthesisSummary>;
  /** Resolves (downloads if needed) and loads a model; returns the seconds this call paid. */
  ensureModel(modelId: string): Promise<number>;
  /** Audio seconds all workers make per second, as measured (undefined before any synthesis). */
  measuredAudioSPerS(): number | undefined;
  /** The chunks, phonemes and input_ids the model would get for a text (POST /v1/phonemize). */
  phonemize(request: PhonemizeRequest): Promise<readonly PhonemizedChunk[]>;
  stats(): EngineStats;
  /** The synthesis cache's counts (all zero when it is off). */
  cacheStats(): CacheStats;
  close(): Promise<void>;
}
