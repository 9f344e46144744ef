// The WebSocket door's side of the chunk-lifecycle trace (session/chunk-trace.ts): with `?trace=1`
// (or KITTENTTS_TRACE) each stage of each chunk goes out as a `trace` event as it is reached, and
// the door marks the two stages only it sees: encoded, and written to the socket.
import type { ChunkTrace, TraceEvent } from '../session/chunk-trace.js';

/** A trace record on the wire: engine-clock milliseconds, snake_case, absent stages left out. */
export function traceMessage({ stage, record: r }: TraceEvent): Record<string, unknown> {
  const ms = (v: number | undefined) => (v === undefined ? undefined : Math.round(v * 10) / 10);
  return {
    type: 'trace',
    stage,
    seq: r.seq,
    chars: r.chars,
    opens_turn: r.opensTurn,
    text_complete_ms: ms(r.textCompleteMs),
    enqueued_ms: ms(r.enqueuedMs),
    deadline_ms: ms(r.deadlineMs),
    dispatched_ms: ms(r.dispatchedMs),
    worker: r.worker,
    cached: r.cached,
    synthesized_ms: ms(r.synthesizedMs),
    worker_ms: ms(r.workerMs),
    encoded_ms: ms(r.encodedMs),
    sent_ms: ms(r.sentMs),
    needed_at_ms: ms(r.neededAtMs),
    play_start_ms: ms(r.playStartMs),
    audio_s: r.audioS,
    stall_ms: ms(r.stallMs),
    cause: r.cause,
  };
}

/** Forwards every stage of `trace` to `send` (the socket's JSON writer). */
export function forwardTrace(
  trace: ChunkTrace | undefined,
  send: (message: Record<string, unknown>) => void,
): void {
  if (trace) trace.listener = (event) => send(traceMessage(event));
}
