// Admission control for real-time sessions: a new live session is refused (429) when the
// measured worker speed says the sessions already admitted could no longer all be served in real
// time. A listener consumes at most one second of audio per second, so the cap is the audio
// seconds the workers make per second (measured), or the operator's fixed cap. Retry-After is
// the mean time until a slot frees, from the lifetimes of the sessions that already ended.
import { TooManyRequestsError } from '../errors.js';

export interface AdmissionOptions {
  /** Fixed cap on live real-time sessions; 0 derives it from the measured speed. */
  maxRealtimeSessions: number;
  /** Audio seconds all workers make per second; undefined before anything was measured. */
  measuredAudioSPerS: () => number | undefined;
  /** Never derive a cap below this (one per worker). */
  minSessions: number;
  now?: () => number;
}

export class TooManyRealtimeSessionsError extends TooManyRequestsError {
  constructor(cap: number, derived: boolean, retryAfterS: number) {
    super(
      `The server is at its real-time capacity (${cap} live streaming sessions${derived ? ', from the measured synthesis speed' : ''}); ` +
        'admitting more would make every listener hear gaps. Retry later.',
      retryAfterS,
    );
  }
}

const LIFETIME_ALPHA = 0.2;

export class RealtimeAdmission {
  private live = 0;
  private meanLifetimeMs: number | undefined;
  private readonly now: () => number;

  constructor(private readonly options: AdmissionOptions) {
    this.now = options.now ?? Date.now;
  }

  get liveSessions(): number {
    return this.live;
  }

  /** The current cap (Infinity while auto and nothing is measured yet). */
  cap(): number {
    if (this.options.maxRealtimeSessions > 0) return this.options.maxRealtimeSessions;
    const speed = this.options.measuredAudioSPerS();
    if (speed === undefined) return Infinity;
    return Math.max(this.options.minSessions, Math.floor(speed));
  }

  /** Admits one session or throws; call the returned function when it ends. */
  admit(): () => void {
    const cap = this.cap();
    if (this.live >= cap) {
      throw new TooManyRealtimeSessionsError(
        cap,
        this.options.maxRealtimeSessions === 0,
        this.retryAfterS(),
      );
    }
    this.live++;
    const openedAt = this.now();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.live--;
      const lifetime = this.now() - openedAt;
      this.meanLifetimeMs =
        this.meanLifetimeMs === undefined
          ? lifetime
          : this.meanLifetimeMs + LIFETIME_ALPHA * (lifetime - this.meanLifetimeMs);
    };
  }

  /** Mean lifetime ÷ live sessions: how long until the next one is expected to end. */
  private retryAfterS(): number {
    if (this.meanLifetimeMs === undefined || this.live === 0) return 5;
    return Math.min(300, Math.max(1, Math.ceil(this.meanLifetimeMs / this.live / 1000)));
  }
}
