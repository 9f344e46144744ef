// One translation from a session's events to what the streaming doors put on the wire, shared by
// the SSE and WebSocket writers: each audio event becomes its header fields plus the chunk's bytes
// in the stream's format (encoded a quarter second at a time, see chunk-audio.ts), `flushed` and
// `error` pass through, and a continuous format's last bytes come as `audio_end` once the session
// is over. The doors only frame these: SSE as `event:`/`data:` lines, WebSocket as JSON text
// frames (plus a binary frame, or base64 inside the JSON).
import type { AudioFormat } from '../audio/index.js';
import { SAMPLE_RATE_HZ } from '../engine/protocol.js';
import { round } from '../ops/generation-stats.js';
import type { AudioEvent, TtsSessionEvent } from '../session/session-events.js';
import { createChunkAudioWriter } from './chunk-audio.js';

/** The fields every door sends with a chunk's audio. */
export interface AudioHeader {
  seq: number;
  text: string;
  duration: number;
  sample_rate: number;
  format: AudioFormat;
}

export type WireEvent =
  | { type: 'audio'; header: AudioHeader; bytes: Uint8Array; source: AudioEvent }
  | { type: 'flushed' }
  | { type: 'error'; detail: string; seq: number }
  | { type: 'audio_end'; format: AudioFormat; bytes: Uint8Array };

export interface WireEventOptions {
  /** An event already taken from `events` (the one-shot SSE door waits for it before answering). */
  first?: TtsSessionEvent;
  /** The client is gone: stop without a tail. */
  stopped(): boolean;
  /** When the events run out: is the stream over (send the tail) or only this consumer? */
  ended(): boolean;
}

export async function* wireEvents(
  events: AsyncIterator<TtsSessionEvent>,
  format: AudioFormat,
  options: WireEventOptions,
): AsyncGenerator<WireEvent> {
  const writer = createChunkAudioWriter(format, SAMPLE_RATE_HZ);
  let pending = options.first;
  let finished = false;
  try {
    for (;;) {
      const next = pending ? { done: false as const, value: pending } : await events.next();
      pending = undefined;
      if (next.done) finished = true;
      if (next.done || options.stopped()) break;
      const ev = next.value;
      if (ev.type === 'audio') {
        const bytes = await writer.encodeSliced(ev.samples);
        yield { type: 'audio', header: audioHeader(ev, writer.format), bytes, source: ev };
      } else if (ev.type === 'flushed') {
        yield { type: 'flushed' };
      } else {
        yield { type: 'error', detail: ev.detail, seq: ev.seq };
      }
    }
    if (options.stopped() || !options.ended()) return;
    const tail = writer.finish();
    if (tail.byteLength > 0) yield { type: 'audio_end', format: writer.format, bytes: tail };
  } finally {
    if (!finished) await events.return?.();
  }
}

function audioHeader(ev: AudioEvent, format: AudioFormat): AudioHeader {
  return {
    seq: ev.seq,
    text: ev.text,
    duration: round(ev.durationS, 3),
    sample_rate: ev.sampleRateHz,
    format,
  };
}
