// Writes Wyoming events to one socket, and the audio events of a session's chunks: PCM16 mono at
// the model's rate, `audio-start` once before the first chunk, `audio-stop` after the last.
import type { Socket } from 'node:net';
import { floatToPcm16, pcm16Bytes } from '../audio/index.js';
import { SAMPLE_RATE_HZ } from '../engine/protocol.js';
import type { AudioEvent } from '../session/session-events.js';
import { encodeEvent, errorEvent, type WyomingEvent } from './event.js';

/** Bytes the socket may hold unsent before audio waits for it to drain (backpressure). */
const HIGH_WATER_BYTES = 512 * 1024;

export const AUDIO_FORMAT = Object.freeze({ rate: SAMPLE_RATE_HZ, width: 2, channels: 1 });

export class EventWriter {
  /** `error` events written so far. */
  errors = 0;

  constructor(private readonly socket: Socket) {}

  get open(): boolean {
    return !this.socket.destroyed && this.socket.writable;
  }

  get unsentBytes(): number {
    return this.socket.writableLength;
  }

  write(event: WyomingEvent): void {
    if (!this.open) return;
    for (const part of encodeEvent(event)) this.socket.write(part);
  }

  error(text: string, code?: string): void {
    if (this.open) this.errors++;
    this.write(errorEvent(text, code));
  }

  /** Ends the connection: FIN once what was written has gone. */
  end(): void {
    if (this.open) this.socket.end();
  }

  /** Resolves once the socket holds less than the high-water mark (or is gone). */
  async drained(): Promise<void> {
    while (this.open && this.socket.writableLength > HIGH_WATER_BYTES) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.socket.off('drain', done);
          this.socket.off('close', done);
          resolve();
        };
        this.socket.once('drain', done);
        this.socket.once('close', done);
      });
    }
  }
}

/** One response's audio: `audio-start` before its first chunk, `audio-stop` if it had any. */
export class AudioResponse {
  private _started = false;
  private positionMs = 0;

  constructor(private readonly out: EventWriter) {}

  async chunk(ev: AudioEvent): Promise<void> {
    await this.out.drained();
    if (!this._started) {
      this._started = true;
      this.out.write({ type: 'audio-start', data: { ...AUDIO_FORMAT, timestamp: 0 } });
    }
    const pcm = floatToPcm16(ev.samples);
    // timestamp: where the chunk starts in this response's audio, in milliseconds.
    this.out.write({
      type: 'audio-chunk',
      data: { ...AUDIO_FORMAT, timestamp: Math.round(this.positionMs) },
      payload: pcm16Bytes(pcm),
    });
    this.positionMs += (pcm.length / AUDIO_FORMAT.rate) * 1000;
  }

  /** Whether `audio-start` went out (and so `audio-stop` does, on stop()). */
  get started(): boolean {
    return this._started;
  }

  stop(): void {
    if (this._started) {
      this.out.write({ type: 'audio-stop', data: { timestamp: Math.round(this.positionMs) } });
    }
  }
}
