// The WebSocket pump's in-hand event: what it has taken from the session and not sent yet
// (encoding it, or waiting for the socket to drain), with the session's generation when it was
// taken, so a cancel meanwhile drops it, leaves it out of what was heard, and orders `cancelled`
// after the bytes a continuous stream still needs.
import type { TtsSessionEvent } from '../session/session-events.js';

type Reply = Record<string, unknown>;

export class InHand {
  private event: { readonly seq?: number; readonly generation: number } | undefined;
  /** Its audio is in the encoder: a continuous stream (mp3, Opus, FLAC) needs its bytes sent. */
  private encoding = false;
  /** `cancelled` replies held until those bytes are out, so they belong to the cancelled turn. */
  private replies: Reply[] = [];

  /**
   * `generation`: the session's count of cancels and closes; `continuous`: the format's chunks
   * are pieces of one encoded stream, none of whose bytes may be left out.
   */
  constructor(
    private readonly generation: () => number,
    private readonly continuous: boolean,
  ) {}

  /** The session's events, each noted as it is taken. */
  track(events: AsyncIterator<TtsSessionEvent>): AsyncIterator<TtsSessionEvent> {
    return {
      next: async () => {
        const next = await events.next();
        const seq = next.done || next.value.type === 'flushed' ? undefined : next.value.seq;
        this.event = next.done ? undefined : { seq, generation: this.generation() };
        return next;
      },
      return: async () => events.return!(),
    };
  }

  /** The chunk taken and not sent (a cancel leaves it out of what was heard). */
  get unsentSeq(): number | undefined {
    return this.event?.seq;
  }

  /** Before encoding (the socket has drained): false drops the chunk, a cancel came meanwhile. */
  startEncoding(): boolean {
    const fresh = this.event?.generation === this.generation();
    if (!fresh) this.event = undefined;
    this.encoding = fresh;
    return fresh;
  }

  /**
   * Whether an encoded event goes out. One taken before a cancel does not: that turn is over, and
   * `cancelled` has counted it as not sent. A continuous stream's chunk cancelled while being
   * encoded goes out all the same, before the `cancelled` held for it (the listener drops it; the
   * decoder needs it); so does the stream's end.
   */
  settle(type: 'audio' | 'audio_end' | 'flushed' | 'error'): boolean {
    const stale = this.event?.generation !== this.generation();
    const sendStale = type === 'audio' && this.encoding && this.continuous;
    this.encoding = false;
    if (type !== 'audio_end' && stale && !sendStale) return false;
    this.event = undefined;
    return true;
  }

  /** A cancel's reply: sent now, or held while a continuous stream's chunk is in the encoder. */
  reply(reply: Reply, send: (reply: Reply) => void): void {
    if (this.encoding && this.continuous) this.replies.push(reply);
    else send(reply);
  }

  /** Sends the replies held while a chunk was being encoded. */
  sendHeld(send: (reply: Reply) => void): void {
    for (const reply of this.replies.splice(0)) send(reply);
  }
}
