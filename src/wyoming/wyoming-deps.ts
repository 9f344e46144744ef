// What the Wyoming door is built from (types only): the limits it enforces, the model it speaks
// with, and the gateway's session opener — the same one every HTTP door uses, so a Wyoming
// synthesis is one more TtsSession on the one scheduler.
import type { SavedVoiceLookup } from '../kitten/voice-blend.js';
import type { TtsSession, TtsSessionOptions } from '../session/tts-session.js';

/** The event types counted: those answered, and three of the door's own. */
const WYOMING_EVENT_TYPES = [
  'describe',
  'ping',
  'synthesize',
  'synthesize-start',
  'synthesize-chunk',
  'synthesize-stop',
  'unknown',
  'malformed',
  'connect',
] as const;
export type WyomingEventType = (typeof WYOMING_EVENT_TYPES)[number];
const ANSWERED: readonly string[] = WYOMING_EVENT_TYPES.slice(0, 6);

/** A client's event type as counted: one this door answers, else `unknown` (bounded labels). */
export function countedType(type: string): WyomingEventType {
  return ANSWERED.includes(type) ? (type as WyomingEventType) : 'unknown';
}

export interface WyomingLimits {
  /** Longest `synthesize` text (KITTENTTS_MAX_TEXT_CHARS). */
  maxTextChars: number;
  /** Largest header line, data part and payload of an event (KITTENTTS_MAX_BODY_BYTES). */
  maxPartBytes: number;
  /** Open connections (KITTENTTS_MAX_SESSIONS). */
  maxConnections: number;
  /**
   * A connection with no progress for this long (nothing read from it, none of its output
   * leaving) is closed (KITTENTTS_SESSION_TTL_S).
   */
  idleTimeoutMs: number;
}

export interface WyomingDeps {
  readonly limits: WyomingLimits;
  /** The model every Wyoming synthesis uses (the gateway's default model). */
  readonly modelId: string;
  readonly modelRepo?: string;
  /** Loads the model if needed; rejects with a GatewayError saying why it cannot. */
  ensureModel(modelId: string): Promise<unknown>;
  openSession(options: TtsSessionOptions, door: 'wyoming'): TtsSession;
  /** Saved voices by name (a Wyoming voice may be a saved name or a blend). */
  readonly savedVoice?: SavedVoiceLookup;
  /** Told of each event handled, and whether its answer had an `error` (a metrics counter). */
  onEvent?(type: WyomingEventType, outcome: 'ok' | 'error'): void;
  /** Told the number of open connections whenever it changes (a metrics gauge). */
  onConnections?(open: number): void;
  log?(
    level: 'error' | 'warn' | 'info' | 'debug',
    msg: string,
    fields?: Record<string, unknown>,
  ): void;
}
