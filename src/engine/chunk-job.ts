// The plain shapes of one chunk's way through the engine: how it is scheduled, what it made, and
// what the metrics hook hears of it (shared by the pool engine and its chunk helpers).
import type { ChunkSchedule, SynthesisRequest } from './engine.js';
import type { ResolvedVoice, WordSpan } from './protocol.js';

/** One finished chunk job, for metrics. */
export interface ChunkReport {
  readonly kind: ChunkSchedule['kind'];
  readonly opensTurn: boolean;
  /** From queued to started on a worker. */
  readonly queueMs: number;
  /** Finished after its deadline by this much (≤ 0: on time). */
  readonly lateMs: number;
  /** Why its word timings failed (it went out without words); absent when they did not. */
  readonly wordsError?: string;
}

/** A request with its voice resolved against the model (what the worker and the cache get). */
export type ResolvedRequest = SynthesisRequest & { readonly resolvedVoice: ResolvedVoice };

export interface ChunkOutcome {
  /** Samples the chunk made (its audio went to the sink). */
  samples: number;
  words: readonly WordSpan[];
  loadMs: number;
  frontendMs: number;
  inferenceMs: number;
  queueMs: number;
  /** From the synthesis cache (or a flight another asker started). */
  cached: boolean;
}

/** A chunk as made: its audio, not yet handed to the sink. */
export type MadeChunk = Omit<ChunkOutcome, 'samples'> & { audio: Float32Array };

/** How one chunk of a request is scheduled. */
export interface ChunkJob {
  schedule: ChunkSchedule;
  group: string;
  signal: AbortSignal;
  deadlineMs: () => number;
  first: boolean;
}
