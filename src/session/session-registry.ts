// Streaming sessions by id, for the doors that address one session across requests (REST chunk, SSE):
// an idle timeout, a cap on how many exist, who may use each (the API key that made it), and
// nothing left behind when they go.
import { echo, NotFoundError, ShuttingDownError, TooManyRequestsError } from '../errors.js';
import type { TtsSession } from './tts-session.js';

/** What the registry needs of a session (TtsSession fits; tests may register lighter objects). */
export interface RegisteredSession {
  readonly id: string;
  /** A busy session (work in flight) is not idle, whatever its last use. */
  readonly busy?: boolean;
  close(): void;
}

export interface SessionRegistryOptions<S extends RegisteredSession = TtsSession> {
  /** Idle time after which a session is closed and forgotten. */
  ttlMs?: number;
  maxSessions?: number;
  /** How often idle sessions are looked for (default: a quarter of ttlMs, 10 ms to 30 s). */
  sweepIntervalMs?: number;
  /** Told about every session closed for idleness (logs, metrics). */
  onExpire?: (session: S) => void;
  /** Clock, replaceable in tests. */
  now?: () => number;
}

export const DEFAULT_SESSION_REGISTRY_OPTIONS = Object.freeze({
  ttlMs: 5 * 60_000,
  maxSessions: 256,
});

export class TooManySessionsError extends TooManyRequestsError {
  constructor(maxSessions: number, retryAfterS: number) {
    super(
      `Too many streaming sessions are open (limit ${maxSessions}); end one or retry later.`,
      retryAfterS,
    );
  }
}

interface Entry<S> {
  readonly session: S;
  lastUsedMs: number;
  /** false: the door that holds the session times it out itself (a WebSocket closes its socket). */
  readonly expires: boolean;
  /** The API key (by id) that made the session; only it may use the session. */
  readonly owner: string | undefined;
}

export class SessionRegistry<S extends RegisteredSession = TtsSession> {
  private readonly ttlMs: number;
  private readonly maxSessions: number;
  private readonly sweepIntervalMs: number;
  private readonly now: () => number;
  private readonly onExpire: ((session: S) => void) | undefined;
  private readonly entries = new Map<string, Entry<S>>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private closed = false;

  constructor(options: SessionRegistryOptions<S> = {}) {
    const o = { ...DEFAULT_SESSION_REGISTRY_OPTIONS, ...options };
    if (!(o.ttlMs > 0)) throw new RangeError(`ttlMs must be positive, got ${o.ttlMs}`);
    if (!Number.isInteger(o.maxSessions) || o.maxSessions < 1) {
      throw new RangeError(`maxSessions must be a positive integer, got ${o.maxSessions}`);
    }
    this.ttlMs = o.ttlMs;
    this.maxSessions = o.maxSessions;
    this.sweepIntervalMs = o.sweepIntervalMs ?? Math.min(30_000, Math.max(10, o.ttlMs / 4));
    this.now = o.now ?? Date.now;
    this.onExpire = o.onExpire;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Registers the session `open()` makes, unless the cap is reached (then open is not called).
   * `expires: false` leaves its idle timeout to the door holding it (it still counts for the cap);
   * `owner` binds it to the API key that made it (see get()).
   */
  create(open: () => S, options: { expires?: boolean; owner?: string } = {}): S {
    if (this.closed) throw new ShuttingDownError();
    if (this.entries.size >= this.maxSessions) this.sweep();
    if (this.entries.size >= this.maxSessions) {
      throw new TooManySessionsError(this.maxSessions, this.secondsUntilOneExpires());
    }
    const session = open();
    if (this.entries.has(session.id)) throw new Error(`duplicate session id ${session.id}`);
    this.entries.set(session.id, {
      session,
      lastUsedMs: this.now(),
      expires: options.expires ?? true,
      owner: options.owner,
    });
    this.timer ??= setInterval(() => this.sweep(), this.sweepIntervalMs).unref();
    return session;
  }

  /**
   * The session with this id, marked as used now. NotFoundError when unknown, expired, or owned by
   * another key than `keyId` (a session made without an owner answers to every caller): another
   * key's session is indistinguishable from none.
   */
  get(id: string, keyId?: string): S {
    const entry = this.entries.get(id);
    if (!entry || (entry.owner !== undefined && entry.owner !== keyId) || this.expire(entry))
      throw new NotFoundError(`Session '${echo(id)}' not found (it may have expired).`);
    entry.lastUsedMs = this.now();
    return entry.session;
  }

  has(id: string): boolean {
    const entry = this.entries.get(id);
    return entry !== undefined && !this.expire(entry);
  }

  /** Closes and forgets the session; false when there was none. */
  delete(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.remove(entry);
    return true;
  }

  /** Closes every session; later create() calls throw ShuttingDownError. */
  close(): void {
    this.closed = true;
    for (const entry of [...this.entries.values()]) this.remove(entry);
  }

  /** Closes sessions idle for longer than ttlMs; returns how many. */
  sweep(): number {
    let expired = 0;
    for (const entry of [...this.entries.values()]) if (this.expire(entry)) expired++;
    return expired;
  }

  /** Expires the entry if idle too long; a busy session counts as in use now. */
  private expire(entry: Entry<S>): boolean {
    const now = this.now();
    if (entry.session.busy === true || !entry.expires) entry.lastUsedMs = now;
    if (now - entry.lastUsedMs < this.ttlMs) return false;
    this.remove(entry);
    try {
      this.onExpire?.(entry.session);
    } catch {
      // A logging hook must not stop the sweep.
    }
    return true;
  }

  private remove(entry: Entry<S>): void {
    this.entries.delete(entry.session.id);
    if (this.entries.size === 0 && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    entry.session.close();
  }

  private secondsUntilOneExpires(): number {
    let oldest = Infinity;
    for (const entry of this.entries.values()) oldest = Math.min(oldest, entry.lastUsedMs);
    return Math.max(1, Math.ceil((oldest + this.ttlMs - this.now()) / 1000));
  }
}
