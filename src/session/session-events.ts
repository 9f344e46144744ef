// What a TtsSession hands its consumer (the events every door translates to its wire format), the
// stats record for each synthesis, and the errors its methods throw.
import type { Synthesis } from '../engine/engine.js';
import { timedWords, type Word } from '../engine/word-timings.js';
import type { DeliveredAudio } from './barge-in.js';
import { BadRequestError, GatewayError, type ErrorCode } from '../errors.js';

export interface AudioEvent {
  readonly type: 'audio';
  readonly seq: number;
  /** The sentence as segmented (before normalization). */
  readonly text: string;
  /** Float32 mono audio, trimmed per chunk as upstream does (no per-chunk loudness change). */
  readonly samples: Float32Array;
  readonly durationS: number;
  readonly sampleRateHz: number;
  readonly timings: Synthesis['timings'];
  /** Its words, timed from the start of this audio, `chars` in `text`. */
  readonly words: readonly Word[];
}

/** All audio of a flush (or end) has been delivered before this event. */
export interface FlushedEvent {
  readonly type: 'flushed';
}

/** One sentence failed; the session stays usable and later sentences are still synthesized. */
export interface ErrorEvent {
  readonly type: 'error';
  readonly seq: number;
  readonly text: string;
  /** Safe to show the client (a GatewayError's message, else "internal error"). */
  readonly detail: string;
  readonly status: number;
  readonly code: ErrorCode;
  /** The original error, for the door to log; never sent to clients. */
  readonly cause: unknown;
}

export type TtsSessionEvent = AudioEvent | FlushedEvent | ErrorEvent;
export type ChunkEvent = AudioEvent | ErrorEvent;

/** Passed to the `onChunk` hook once per synthesis submitted to the engine. */
export interface SessionChunkInfo {
  readonly sessionId: string;
  readonly seq: number;
  readonly chars: number;
  /** 'discarded': it finished (or was dropped by the engine) after a cancel; nobody got it. */
  readonly outcome: 'ok' | 'error' | 'discarded';
  readonly durationS: number;
  /** From submission to the engine until the result arrived (queue + synthesis). */
  readonly latencyMs: number;
  /** The first sentence of a turn (its latency is the turn's time to first audio). */
  readonly opensTurn: boolean;
  /** From the sentence being complete until its result arrived. */
  readonly sinceReadyMs: number;
  readonly timings: Synthesis['timings'] | undefined;
}

/** Text waiting in a session would exceed `maxBufferedChars`. */
export class SessionBufferFullError extends BadRequestError {
  constructor(maxBufferedChars: number) {
    super(
      `Too much text is waiting in this session (limit ${maxBufferedChars} characters): ` +
        'wait for audio to be delivered, or flush, before sending more.',
    );
  }
}

/** Text or a flush sent to a session that has ended or been closed. */
export class SessionEndedError extends BadRequestError {
  constructor() {
    super('This streaming session has ended; start a new one.');
  }
}

/** An audio event's words, computed when first asked for (a door with timestamps, a barge-in). */
interface LazyWords {
  (): readonly Word[];
  readonly count: number;
}
const lazyWords = new WeakMap<AudioEvent, LazyWords>();

export function audioEventOf(seq: number, text: string, s: Synthesis): AudioEvent {
  const { samples, durationS, sampleRateHz, timings, chunks } = s;
  let words: readonly Word[] | undefined;
  const lazy = Object.assign(() => (words ??= timedWords(chunks, text)), {
    count: chunks.reduce((n, chunk) => n + chunk.words.length, 0),
  });
  const event: AudioEvent = {
    ...{ type: 'audio', seq, text, samples, durationS, sampleRateHz, timings },
    get words() {
      return lazy();
    },
  };
  lazyWords.set(event, lazy);
  return event;
}

/**
 * What a barge-in keeps of an audio event (never the samples), its words still computed only
 * if a cut needs them; `wordCount` without computing them.
 */
export function deliveredOf(ev: AudioEvent): { audio: DeliveredAudio; wordCount: number } {
  const { text, durationS } = ev;
  const lazy = lazyWords.get(ev);
  if (!lazy) return { audio: { text, durationS, words: ev.words }, wordCount: ev.words.length };
  const audio = {
    ...{ text, durationS },
    get words() {
      return lazy();
    },
  };
  return { audio, wordCount: lazy.count };
}

/** The error a failed chunk stands for, as a door rethrows it (status, code, Retry-After kept). */
export function errorOf(ev: ErrorEvent): GatewayError {
  if (ev.cause instanceof GatewayError) return ev.cause;
  return new GatewayError(ev.status, ev.code, ev.detail, { cause: ev.cause });
}

/** A GatewayError's message is written for clients; anything else is an internal error. */
export function errorEventOf(seq: number, text: string, err: unknown): ErrorEvent {
  const known = err instanceof GatewayError;
  return {
    type: 'error',
    seq,
    text,
    detail: known ? err.message : 'internal error',
    status: known ? err.status : 500,
    code: known ? err.code : 'internal',
    cause: err,
  };
}
