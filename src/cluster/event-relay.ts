// Session events crossing replicas: a chunk call on one replica publishes the events of the
// sentences it completed (audio as float32 bytes in base64) on the session's channel, and the
// replica holding the SSE subscriber puts them back in seq order, whichever replica made them.
// `flushed` carries the seq it follows, so it comes after exactly the audio it came after in one
// process. A sentence that never arrives (its replica was killed mid-synthesis) becomes an
// `error` event once later ones have waited for it for lostAfterMs — and with it every other
// missing one before the first that did arrive, without waiting again — and the stream goes on.
import type { TtsSessionEvent } from '../session/session-events.js';
import type { ErrorCode } from '../errors.js';

export type WireMessage =
  | {
      t: 'audio';
      seq: number;
      text: string;
      pcm: string;
      dur: number;
      sr: number;
      timings: Extract<TtsSessionEvent, { type: 'audio' }>['timings'];
      words: Extract<TtsSessionEvent, { type: 'audio' }>['words'];
    }
  | { t: 'error'; seq: number; text: string; detail: string; status: number; code: ErrorCode }
  | { t: 'flushed'; after: number }
  | { t: 'ended' };

/** An event of a session whose seqs start at `base`, as published. */
export function encodeEvent(ev: TtsSessionEvent, base: number, after: number): string {
  if (ev.type === 'flushed') return JSON.stringify({ t: 'flushed', after });
  if (ev.type === 'error') {
    const { text, detail, status, code } = ev;
    return JSON.stringify({ t: 'error', seq: base + ev.seq, text, detail, status, code });
  }
  const bytes = Buffer.from(ev.samples.buffer, ev.samples.byteOffset, ev.samples.byteLength);
  const msg: WireMessage = {
    t: 'audio',
    seq: base + ev.seq,
    text: ev.text,
    pcm: bytes.toString('base64'),
    dur: ev.durationS,
    sr: ev.sampleRateHz,
    timings: ev.timings,
    words: ev.words,
  };
  return JSON.stringify(msg);
}

export const ENDED_MESSAGE = JSON.stringify({ t: 'ended' });

function decodeEvent(m: Exclude<WireMessage, { t: 'flushed' | 'ended' }>): TtsSessionEvent {
  if (m.t === 'error') {
    const { seq, text, detail, status, code } = m;
    return { type: 'error', seq, text, detail, status, code, cause: undefined };
  }
  const raw = Buffer.from(m.pcm, 'base64');
  const samples = new Float32Array(raw.byteLength / 4);
  new Uint8Array(samples.buffer).set(raw);
  return {
    type: 'audio',
    seq: m.seq,
    text: m.text,
    samples,
    durationS: m.dur,
    sampleRateHz: m.sr,
    timings: m.timings,
    words: m.words,
  };
}

/**
 * Events a subscriber may have waiting (undelivered audio): pub/sub cannot slow the publishers
 * down as one process's backpressure would, so a subscriber this far behind is let go instead.
 */
export const MAX_PENDING_EVENTS = 64;

/** The subscriber's side: messages in any order in, events in session order out. */
export class OrderedRelay implements AsyncIterator<TtsSessionEvent> {
  private readonly pending = new Map<number, TtsSessionEvent>();
  private readonly flushes: number[] = [];
  /** The error event to end with when this subscriber is let go (session goes on). */
  private goodbye: TtsSessionEvent | undefined;
  /**
   * Why the stream ended (unset: it has not): the session is over, or this replica stops (the
   * session lives on).
   */
  private endedBy: 'session' | 'replica' | undefined;
  private finished = false;
  private wake: (() => void) | undefined;
  private waitingSinceMs: number | undefined;
  /** Seqs below this one are known lost (the wait for them is over). */
  private lostBelow = 0;

  constructor(
    private next_: number,
    private readonly lostAfterMs: number,
    private readonly onFinish: () => void,
  ) {}

  /** A message from the channel (malformed ones are ignored). */
  push(message: string): void {
    let m: WireMessage;
    try {
      m = JSON.parse(message) as WireMessage;
    } catch {
      return;
    }
    if (m.t === 'ended') this.end('session');
    else if (m.t === 'flushed') this.flushes.push(m.after);
    else if (m.seq >= this.next_) this.pending.set(m.seq, decodeEvent(m));
    if (this.pending.size > MAX_PENDING_EVENTS)
      this.letGo(
        `This subscriber fell more than ${MAX_PENDING_EVENTS} chunks behind the session's audio and was let go; subscribe again.`,
        429,
      );
    this.notify();
  }

  /** The session is over (deleted or expired), or this replica is stopping. */
  end(by: 'session' | 'replica' = 'session'): void {
    this.endedBy ??= by;
    this.notify();
  }

  /** The stream ended because the session did (not because this replica stopped). */
  get sessionEnded(): boolean {
    return this.endedBy === 'session';
  }

  async next(): Promise<IteratorResult<TtsSessionEvent>> {
    for (;;) {
      if (this.finished) return { done: true, value: undefined };
      if (this.goodbye) return this.sayGoodbye();
      const ev = this.take();
      if (ev) return { done: false, value: ev };
      if (this.endedBy) return this.finish();
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        // Later sentences wait for a missing one: look again when it would count as lost.
        if (this.pending.size > 0) setTimeout(resolve, this.lostAfterMs).unref();
      });
      this.wake = undefined;
    }
  }

  async return(): Promise<IteratorResult<TtsSessionEvent>> {
    return this.finish();
  }

  private take(): TtsSessionEvent | undefined {
    this.flushes.sort((a, b) => a - b);
    if (this.flushes.length > 0 && this.flushes[0]! <= this.next_) {
      this.flushes.shift();
      return { type: 'flushed' };
    }
    const ev = this.pending.get(this.next_);
    if (ev) {
      this.pending.delete(this.next_++);
      this.waitingSinceMs = undefined;
      return ev;
    }
    if (this.pending.size === 0) return undefined;
    if (this.next_ >= this.lostBelow) {
      const now = Date.now();
      this.waitingSinceMs ??= now;
      if (now - this.waitingSinceMs < this.lostAfterMs) return undefined;
      this.waitingSinceMs = undefined;
      // Everything missing before the first sentence that arrived is lost: one wait for them all.
      this.lostBelow = Math.min(...this.pending.keys());
    }
    return this.lost(this.next_++);
  }

  private lost(seq: number): TtsSessionEvent {
    return {
      type: 'error',
      seq,
      text: '',
      detail: 'The audio of this sentence was lost: the replica synthesizing it stopped.',
      status: 500,
      code: 'worker_crashed',
      cause: undefined,
    };
  }

  /**
   * Lets this subscriber go (the session itself goes on): one error event saying why, then the
   * end, without `ended`. 429: it fell behind; 503: it lost its claim on the session.
   */
  letGo(detail: string, status: 429 | 503 = 503): void {
    if (this.finished || this.endedBy || this.goodbye) return;
    const code = status === 429 ? 'too_many_requests' : 'store_unavailable';
    this.goodbye = {
      type: 'error',
      seq: this.next_,
      text: '',
      detail,
      status,
      code,
      cause: undefined,
    };
    this.notify();
  }

  private sayGoodbye(): IteratorResult<TtsSessionEvent> {
    const value = this.goodbye!;
    this.goodbye = undefined;
    this.end('replica');
    this.pending.clear();
    this.flushes.length = 0;
    return { done: false, value };
  }

  private finish(): IteratorResult<TtsSessionEvent> {
    if (!this.finished) {
      this.finished = true;
      this.pending.clear();
      this.notify();
      this.onFinish();
    }
    return { done: true, value: undefined };
  }

  private notify(): void {
    this.wake?.();
  }
}
