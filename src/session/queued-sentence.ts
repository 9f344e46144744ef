// One sentence in a session's synthesis queue (its seq, settings, state and turn facts), and what
// the session's stats hook hears of it once it settled.
import type { Synthesis } from '../engine/engine.js';
import type { ChunkEvent, SessionChunkInfo } from './session-events.js';

export interface QueuedSentence {
  readonly kind: 'chunk';
  readonly seq: number;
  readonly text: string;
  readonly voice: string;
  readonly speed: number;
  state: 'queued' | 'running' | 'done';
  discarded: boolean;
  /** Engine-clock ms at which the sentence was complete (a listener may be waiting since). */
  readonly readyAtMs: number;
  /** The first sentence of a turn. */
  readonly opensTurn: boolean;
  /** Whether it came from the synthesis cache (known once it settled). */
  readonly hit: { cached: boolean };
  /** The second sentence of a turn: its opener's `hit`. */
  readonly afterOpener: { readonly cached: boolean } | undefined;
  event?: ChunkEvent;
  readonly controller: AbortController;
}

/** Tells the stats hook how a sentence settled; a throwing hook is ignored. */
export function reportSettled(
  onChunk: ((info: SessionChunkInfo) => void) | undefined,
  sessionId: string,
  sentence: QueuedSentence,
  timing: { latencyMs: number; nowMs: number },
  synthesis: Synthesis | undefined,
): void {
  if (!onChunk) return;
  try {
    onChunk({
      sessionId,
      seq: sentence.seq,
      chars: sentence.text.length,
      outcome: sentence.discarded ? 'discarded' : synthesis ? 'ok' : 'error',
      durationS: synthesis?.durationS ?? 0,
      latencyMs: timing.latencyMs,
      opensTurn: sentence.opensTurn,
      sinceReadyMs: timing.nowMs - sentence.readyAtMs,
      timings: synthesis?.timings,
    });
  } catch {
    // A stats hook must never break audio delivery.
  }
}
