// Plain data that crosses the worker-thread boundary. No classes: error classes and prototypes
// do not survive postMessage, so failures travel as {ok:false, code, detail}.
import type { ModelFiles } from '../kitten/model-files.js';
import type { ResolvedVoice, VoiceWeight } from '../kitten/voice-blend.js';
import type { WordSpan } from '../kitten/word-spans.js';

// ModelFiles and WordSpan are the model domain's types (kitten/ sits below engine/); tasks and
// results carry them, so they are re-exported for the protocol's users.
export type { ModelFiles, ResolvedVoice, VoiceWeight, WordSpan };

export const SAMPLE_RATE_HZ = 24_000;

/** One model chunk: the exact string the model gets (engine-side planChunks already ran). */
export interface ChunkTask {
  readonly kind: 'chunk';
  readonly model: ModelFiles;
  /** onnxruntime intra-op threads for this worker's sessions. */
  readonly threads: number;
  /**
   * A planned chunk: normalized (or not) and cut by chunk_text; it goes to the phonemizer as is,
   * except for phoneme markup `[word](/phonemes/)` (inline, or a lexicon hit), already validated.
   */
  readonly text: string;
  /**
   * The voice resolved on the gateway's side (aliases, saved voices, blends): expr-voice-* keys with
   * normalized weights and the effective speed (prior applied). The worker mixes the style rows.
   */
  readonly voice: ResolvedVoice;
}

export interface LoadTask {
  readonly kind: 'load';
  readonly model: ModelFiles;
  readonly threads: number;
}

/** Answered as soon as the worker module has loaded (the pool waits for it before stopping). */
export interface PingTask {
  readonly kind: 'ping';
}

/**
 * The front-end alone (POST /v1/phonemize): what the model would receive for a text. The chunks are
 * planned on the gateway's side (planRequest: normalized, cut, lexicon hits written as markup).
 */
export interface PhonemizeTask {
  readonly kind: 'phonemize';
  readonly chunks: readonly string[];
}

/**
 * Renew the sessions of the models this thread ran since its last renewal: a new one from the
 * model file, the old one released, so what its arena grew to goes back. Sent to a rested worker
 * (engine/idle-renewer.ts); answered like a ping, with the renewals so far.
 */
export interface RenewTask {
  readonly kind: 'renew';
}

export type WorkerTask = ChunkTask | LoadTask | PingTask | PhonemizeTask | RenewTask;

/** Given to every worker thread at start (piscina's workerData). */
export interface WorkerData {
  /** Test-only: a synthesize task whose text contains a FAULT_MARKERS value kills its thread. */
  readonly faultInjection: boolean;
  /** onnxruntime's CPU memory arena for this thread's sessions (Config.cpuMemArena). */
  readonly cpuMemArena: boolean;
}

/**
 * Text markers for fault drills, honoured only with WorkerData.faultInjection. The thread really
 * dies (process.exit, or an exception nobody catches) before inference starts: a thread killed
 * inside onnxruntime's session.run() aborts the whole process (onnxruntime-node 1.30 throws a C++
 * Napi::Error into a terminating isolate), so no drill can target that moment.
 */
export const FAULT_MARKERS = Object.freeze({
  exit: '\u0000fault:exit\u0000',
  uncaught: '\u0000fault:uncaught\u0000',
});

export interface SynthesizeOk {
  readonly ok: true;
  /** The chunk's trimmed float32 mono audio at 24 kHz (transferred, not copied). */
  readonly samples: Float32Array;
  /**
   * Each word of the chunk's text with its samples from the start of `samples` (a few plain
   * objects, cloned: tiny next to the audio). Empty when the graph has no `duration` output.
   */
  readonly words: readonly WordSpan[];
  /** Time this task spent creating the ONNX session (0 when the worker had it loaded). */
  readonly loadMs: number;
  readonly frontendMs: number;
  readonly inferenceMs: number;
  /** Mapping the durations to words. */
  readonly wordsMs: number;
  /** Set when the word timings failed (`words` is then empty; the audio is unaffected). */
  readonly wordsError?: string;
}

export interface LoadOk {
  readonly ok: true;
  readonly loadMs: number;
  /** A ping's or a renew task's answer: the sessions this thread has renewed so far. */
  readonly renewals?: number;
  /** A renew task's answer: the sessions this task renewed. */
  readonly renewed?: number;
}

export interface TaskFailure {
  readonly ok: false;
  readonly code: string;
  readonly detail: string;
}

/** One planned chunk as the model gets it: its text, its phonemes and their token ids. */
export interface PhonemizedChunk {
  readonly text: string;
  readonly phonemes: string;
  readonly inputIds: readonly number[];
}

export interface PhonemizeOk {
  readonly ok: true;
  readonly chunks: readonly PhonemizedChunk[];
}

export type SynthesizeResult = SynthesizeOk | TaskFailure;
export type PhonemizeResult = PhonemizeOk | TaskFailure;
export type LoadResult = LoadOk | TaskFailure;
export type WorkerResult = SynthesizeResult | LoadResult | PhonemizeResult;
