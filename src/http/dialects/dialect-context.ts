// One context of a dialect socket (an ElevenLabs context_id, a Cartesia context_id): a TtsSession
// on the deadline scheduler, its audio encoded in the client's format and handed to the door with
// the chunk's words and its offset in the context, and the two ways a context ends: `finish`
// (everything asked for is spoken, then `done`) and `bargeIn` (its queued chunks dropped at once).
import type { StreamEncoder } from '../../audio/index.js';
import type { AudioEvent } from '../../session/session-events.js';
import type { TtsSession } from '../../session/tts-session.js';
import { ENCODE_SLICE_SAMPLES } from '../chunk-audio.js';

export interface ContextSink {
  /** A chunk's bytes; `ev` is absent for an encoder's last bytes (mp3), `offsetS` its start. */
  audio(bytes: Uint8Array, ev: AudioEvent | undefined, offsetS: number): void;
  /** One sentence failed (the context goes on). */
  error(detail: string): void;
  /** Everything the context was asked for has been sent. */
  done(): void;
}

export interface DialectContextOptions {
  readonly session: TtsSession;
  readonly encoder: StreamEncoder;
  readonly sink: ContextSink;
  /** Resolves when the socket can take more (backpressure). */
  readonly ready: () => Promise<void>;
  /** Gives the session's slot back (called once, however the context ends). */
  readonly release: () => void;
  readonly onFailure?: (err: unknown) => void;
}

const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

export class DialectContext {
  private closed = false;
  private offsetS = 0;
  /** The client said its input is over (ElevenLabs' empty-text flush): a close then finishes. */
  inputEnded = false;

  constructor(private readonly o: DialectContextOptions) {
    this.pump().catch((err: unknown) => {
      o.onFailure?.(err);
      this.bargeIn();
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  push(text: string, flush = false): void {
    if (text.length > 0) this.o.session.pushText(text);
    if (flush) this.o.session.flush();
  }

  /** No more text: the rest is spoken, then `done`. */
  finish(): void {
    if (!this.closed) this.o.session.end();
  }

  /** Barge-in: undelivered chunks and unfinished text are dropped now; no `done` follows. */
  bargeIn(): void {
    if (this.closed) return;
    this.closed = true;
    this.o.session.close();
    this.o.encoder.close();
    this.o.release();
  }

  private async pump(): Promise<void> {
    const { session, sink } = this.o;
    for await (const ev of session) {
      if (this.closed) return;
      if (ev.type === 'error') sink.error(ev.detail);
      if (ev.type !== 'audio') continue;
      const bytes = await this.encode(ev.samples);
      await this.o.ready();
      // A barge-in while it was encoded or waited: this chunk was never heard.
      if (this.closed) return;
      sink.audio(bytes, ev, this.offsetS);
      this.offsetS += ev.durationS;
    }
    if (this.closed || !session.isEnded) return;
    const tail = this.o.encoder.end();
    if (tail.byteLength > 0) sink.audio(tail, undefined, this.offsetS);
    this.closed = true;
    this.o.release();
    sink.done();
  }

  /** A quarter second at a time with the event loop free in between (mp3 costs main thread). */
  private async encode(samples: Float32Array): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for (let at = 0; at < samples.length; at += ENCODE_SLICE_SAMPLES) {
      if (at > 0) await yieldToLoop();
      if (this.closed) break;
      parts.push(this.o.encoder.write(samples.subarray(at, at + ENCODE_SLICE_SAMPLES)));
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
}
