// REST session records in Redis: one hash per session (settings, the unfinished sentence, the
// owner's key id, how many sentences it has issued, its last use), expiring after the idle timeout; a sorted set
// of live sessions for the cluster-wide cap; a per-session lock (SET NX PX with a random token)
// that serializes chunk calls across replicas; and a subscriber claim for SSE.
import { randomUUID } from 'node:crypto';
import { echo, NotFoundError, StoreUnavailableError } from '../errors.js';
import { TooManySessionsError } from '../session/session-registry.js';
import type { RedisLink } from './redis.js';
import {
  ACQUIRE,
  COMMIT,
  COUNT_LIVE,
  CREATE,
  DELETE,
  EXTEND,
  RELEASE,
  REPORT_WS,
  TOUCH,
} from './scripts.js';

const PREFIX = 'kittentts:';
const LIVE = `${PREFIX}sessions`;
const WS_COUNTS = `${PREFIX}websocket-sessions`;
export const keysOf = (id: string) => {
  const record = `${PREFIX}session:${id}`;
  return {
    record,
    lock: `${record}:lock`,
    subscriber: `${record}:subscriber`,
    channel: `${record}:events`,
  };
};

export interface SessionRecord {
  readonly id: string;
  readonly modelId: string;
  readonly voice: string;
  readonly speed: number;
  /** The sentence not finished yet. */
  readonly buffered: string;
  /** Seq of the next sentence this session will issue (seqs go on across replicas). */
  readonly nextSeq: number;
}

/** A held session lock; `subscribed`: an SSE subscriber was attached when it was taken. */
export interface HeldLock {
  readonly id: string;
  readonly token: string;
  readonly record: SessionRecord;
  readonly subscribed: boolean;
}

export interface SessionRecordsOptions {
  ttlMs: number;
  maxSessions: number;
  lockTtlMs: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const notFound = (id: string) =>
  new NotFoundError(`Session '${echo(id)}' not found (it may have expired).`);

export class SessionRecords {
  constructor(
    private readonly link: RedisLink,
    private readonly o: SessionRecordsOptions,
  ) {}

  /** A new record, unless the cluster already holds maxSessions live ones (429). */
  async create(settings: Omit<SessionRecord, 'id' | 'buffered' | 'nextSeq'>, owner = '') {
    const id = randomUUID();
    const { modelId, voice, speed } = settings;
    const reply = (await this.link.script(
      CREATE,
      [LIVE, WS_COUNTS, keysOf(id).record],
      [id, this.o.ttlMs, this.o.maxSessions, modelId, voice, speed, owner],
    )) as [number, number];
    if (reply[0] !== 1) {
      throw new TooManySessionsError(this.o.maxSessions, Math.max(1, Math.ceil(reply[1] / 1000)));
    }
    return id;
  }

  /** Live sessions in the whole cluster: REST records and every replica's WebSocket sessions. */
  async liveCount(): Promise<number> {
    return Number(await this.link.script(COUNT_LIVE, [LIVE, WS_COUNTS], []));
  }

  /** This replica's WebSocket sessions, counted for `lockTtlMs` unless reported again. */
  async reportWebSockets(replicaId: string, count: number): Promise<void> {
    await this.link.script(REPORT_WS, [WS_COUNTS], [replicaId, count, this.o.lockTtlMs]);
  }

  /**
   * Takes the session's lock, waiting while another call (on any replica) holds it; 404 when the
   * session is unknown, expired or another key's. Gives up when `signal` aborts (client gone).
   */
  async acquire(id: string, owner = '', signal?: AbortSignal): Promise<HeldLock> {
    const k = keysOf(id);
    const token = randomUUID();
    for (let wait = 2; ; wait = Math.min(50, wait * 2)) {
      const reply = (await this.link.script(
        ACQUIRE,
        [k.lock, k.record, k.subscriber],
        [token, this.o.lockTtlMs, owner],
      )) as [number, string[]?, number?];
      if (reply[0] === -1) throw notFound(id);
      if (reply[0] === 1) {
        return { id, token, record: recordOf(id, reply[1] ?? []), subscribed: reply[2] === 1 };
      }
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      await sleep(wait);
    }
  }

  /** Stores what the call changed; false when the session was deleted meanwhile. */
  async commit(lock: HeldLock, buffered: string, nextSeq: number): Promise<boolean> {
    const k = keysOf(lock.id);
    const r = await this.link.script(
      COMMIT,
      [k.lock, k.record, LIVE],
      [lock.token, buffered, nextSeq, this.o.ttlMs, lock.id],
    );
    // Lost the lock: this call stalled past the lock's expiry and another may have taken over.
    if (r === 0) throw new StoreUnavailableError(new Error('session lock expired'));
    return r === 1;
  }

  /**
   * Keeps the lock (and the session) alive while the call runs; returns the stop function.
   * `onLost` runs once if the lock expired meanwhile (the call stalled, or Redis was away longer
   * than the lock's TTL): another call may be running on the session from then on.
   */
  keepAlive(lock: HeldLock, onLost: () => void = () => undefined): () => void {
    const k = keysOf(lock.id);
    const touch = async () => {
      const r = await this.link
        .script(
          TOUCH,
          [k.lock, k.record, LIVE],
          [lock.token, this.o.lockTtlMs, this.o.ttlMs, lock.id],
        )
        .catch(() => undefined);
      if (r !== 0) return;
      clearInterval(timer);
      onLost();
    };
    const timer = setInterval(() => void touch(), Math.max(20, this.o.lockTtlMs / 3));
    return () => clearInterval(timer);
  }

  async release(lock: HeldLock): Promise<void> {
    await this.link.script(RELEASE, [keysOf(lock.id).lock], [lock.token]).catch(() => undefined);
  }

  /** Deletes the record; 404 when unknown or another key's. */
  async delete(id: string, owner = ''): Promise<void> {
    const r = await this.link.script(DELETE, [keysOf(id).record, LIVE], [id, owner]);
    if (r !== 1) throw notFound(id);
  }

  /** Claims the subscriber slot (false: another subscriber holds it). Call under the lock. */
  async claimSubscriber(id: string, token: string): Promise<boolean> {
    const r = await this.link.call(
      'SET',
      keysOf(id).subscriber,
      token,
      'NX',
      'PX',
      this.o.lockTtlMs,
    );
    return r === 'OK';
  }

  /**
   * Refreshes the claim: 'held', 'gone' when the session is (expired or deleted), 'lost' when the
   * claim expired (Redis was away longer than its TTL) and another subscriber has taken it since.
   */
  async refreshSubscriber(id: string, token: string): Promise<'held' | 'gone' | 'lost'> {
    const k = keysOf(id);
    if ((await this.link.call('EXISTS', k.record)) !== 1) return 'gone';
    if ((await this.link.script(EXTEND, [k.subscriber], [token, this.o.lockTtlMs])) === 1)
      return 'held';
    return (await this.claimSubscriber(id, token)) ? 'held' : 'lost';
  }

  async releaseSubscriber(id: string, token: string): Promise<void> {
    await this.link.script(RELEASE, [keysOf(id).subscriber], [token]).catch(() => undefined);
  }
}

function recordOf(id: string, flat: string[]): SessionRecord {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) f[flat[i]!] = flat[i + 1]!;
  return {
    id,
    modelId: f.model ?? '',
    voice: f.voice ?? '',
    speed: Number(f.speed),
    buffered: f.buffered ?? '',
    nextSeq: Number(f.next_seq ?? 0),
  };
}
