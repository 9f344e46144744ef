// TtsSession settings: what a door chooses per session (model, voice, first-chunk mode) and the
// limits that bound its memory and its share of the worker pool, with defaults and validation.
import type { JobKind } from '../engine/engine.js';
import type { ChunkPolicy, ShortOpening } from './chunk-policy.js';
import type { FirstChunkMode } from './segmenter.js';
import type { TurnTicket } from './turn-admission.js';
import type { SessionChunkInfo } from './session-events.js';

export interface TtsSessionOptions {
  /** Required: there is no sensible default model or voice at this layer (the doors pick them). */
  modelId: string;
  voice: string;
  speed?: number;
  /** Apply the text normalizer to each sentence (default true). */
  normalize?: boolean;
  firstChunk?: FirstChunkMode;
  /** realtime (default): a listener plays the audio as it arrives; oneshot: the door awaits it all. */
  schedule?: JobKind;
  /** oneshot: the first audio is due this long after the session opens, later audio at its pace. */
  oneshotSlackMs?: number;
  /**
   * auto chunking: a clause ends a chunk while the listener's audio ahead is less than this many
   * times the synthesis cost of the text so far, plus `autoMarginS` (the sentence is likely to go
   * on about as long again, and may wait for a worker).
   */
  autoCostFactor?: number;
  /** auto chunking: seconds allowed for waiting for a worker and delivery. */
  autoMarginS?: number;
  /** auto chunking: load-aware (default) or the listener's buffer alone (chunk-policy.ts). */
  chunkPolicy?: ChunkPolicy;
  /**
   * Load-aware chunking with more live streams than workers: a chunk whose synthesis would hold a
   * worker this long ends at its next cut (seconds; 0 turns it off). chunk-policy.ts.
   */
  chunkHoldS?: number;
  /**
   * More live real-time listeners than workers: a turn's first chunk may find every worker busy.
   * Each is a listener that may open a turn at any moment (between turns included); the session
   * opener counts them (default: never contended).
   */
  contended?: () => boolean;
  /** A turn's short first sentence ("Sure!"): alone (default), or merged with the next clause. */
  shortOpening?: ShortOpening;
  /** merge: the longest wait for the next clause before the opening goes out alone. */
  shortOpeningWaitMs?: number;
  /** Syntheses submitted to the engine at once: 2 lets the next sentence render while one plays. */
  maxInFlight?: number;
  /** Results held (rendering or rendered, not yet taken): submission pauses at this many. */
  maxBufferedChunks?: number;
  /** Text waiting (unfinished sentence + sentences not yet submitted); pushText beyond it throws. */
  maxBufferedChars?: number;
  /** Keep a chunk-lifecycle trace (chunk-trace.ts); off by default. */
  trace?: boolean;
  /** Called once per submitted synthesis (stats); exceptions it throws are ignored. */
  onChunk?: (info: SessionChunkInfo) => void;
  /** Called as each chunk reaches the consumer, with the audio the listener still had queued. */
  onDeliver?: (aheadS: number) => void;
  /** Called once when the session closes (admission slots, metrics). */
  onClose?: () => void;
  /** Turn-level admission: a slot for each turn (session/turn-admission.ts); none: no limit. */
  admitTurn?: () => TurnTicket;
  /**
   * Takes a real-time slot for one piece of work and returns its release; throws when the server
   * is at its real-time capacity. For sessions that count only while at work (REST: a chunk call
   * or a subscriber), not for as long as they exist; holdRealtime() calls it.
   */
  admitRealtime?: () => () => void;
}

export const DEFAULT_TTS_SESSION_OPTIONS = Object.freeze({
  speed: 1,
  normalize: true,
  firstChunk: 'sentence' as FirstChunkMode,
  schedule: 'realtime' as JobKind,
  oneshotSlackMs: 2000,
  autoCostFactor: 2,
  autoMarginS: 1,
  chunkPolicy: 'load' as ChunkPolicy,
  chunkHoldS: 0.4,
  contended: (): boolean => false,
  shortOpening: 'alone' as ShortOpening,
  shortOpeningWaitMs: 300,
  maxInFlight: 2,
  maxBufferedChunks: 4,
  maxBufferedChars: 20_000,
  trace: false,
});

export type ResolvedTtsSessionOptions = Required<
  Omit<TtsSessionOptions, 'onChunk' | 'onClose' | 'onDeliver' | 'admitTurn' | 'admitRealtime'>
> &
  Pick<TtsSessionOptions, 'onChunk' | 'onClose' | 'onDeliver' | 'admitTurn' | 'admitRealtime'>;

export function resolveTtsSessionOptions(options: TtsSessionOptions): ResolvedTtsSessionOptions {
  const o = { ...DEFAULT_TTS_SESSION_OPTIONS, ...options };
  const positiveInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1)
      throw new RangeError(`${name} must be a positive integer, got ${v}`);
  };
  positiveInt('maxInFlight', o.maxInFlight);
  positiveInt('maxBufferedChunks', o.maxBufferedChunks);
  positiveInt('maxBufferedChars', o.maxBufferedChars);
  checkSpeed(o.speed);
  if (!Number.isFinite(o.shortOpeningWaitMs) || o.shortOpeningWaitMs < 0)
    throw new RangeError(`shortOpeningWaitMs must be ≥ 0, got ${o.shortOpeningWaitMs}`);
  return o;
}

export function checkSpeed(speed: number): void {
  if (!Number.isFinite(speed) || speed <= 0)
    throw new RangeError(`speed must be a positive number, got ${speed}`);
}
