// REST streaming sessions shared by every replica (KITTENTTS_REDIS_URL): start, chunk, end and the
// SSE subscription may each land on a different replica. No replica keeps a session between
// calls: a chunk call takes the session's lock, rebuilds a TtsSession from the record (settings
// and the unfinished sentence), pushes the new text, stores what is left unfinished before any
// synthesis starts, then collects the audio of the sentences it completed — or, with a subscriber
// attached somewhere, publishes them on the session's channel and answers at once. A replica
// killed between calls loses nothing the client was told about; one killed during a call loses
// only the sentences it was synthesizing.
import { randomUUID } from 'node:crypto';
import { echo, GatewayError, StoreUnavailableError } from '../errors.js';
import { TooManySessionsError } from '../session/session-registry.js';
import type { ChunkEvent, TtsSessionEvent } from '../session/session-events.js';
import type { TtsSession } from '../session/tts-session.js';
import { encodeEvent, ENDED_MESSAGE, OrderedRelay } from './event-relay.js';
import type { RedisLink } from './redis.js';
import { keysOf, SessionRecords, type HeldLock } from './session-records.js';

export interface SessionSettings {
  modelId: string;
  voice: string;
  speed: number;
}

export interface ClusterSessionsOptions {
  link: RedisLink;
  replicaId: string;
  /** This replica's WebSocket sessions (they stay on it, and count against the cluster's cap). */
  webSockets: () => number;
  ttlMs: number;
  maxSessions: number;
  lockTtlMs: number;
  /** A session with the server's limits (real-time scheduling; admission stays per replica). */
  openSession: (settings: SessionSettings) => TtsSession;
  /** A missing sentence is declared lost after later ones waited this long (subscriber side). */
  lostAfterMs?: number;
  log?: (msg: string, fields: Record<string, unknown>) => void;
}

export interface ChunkOutcome {
  /** The audio (or failure) of every sentence the call completed; [] when a subscriber gets it. */
  events: ChunkEvent[];
  bufferedText: string;
  /** Ended (DELETE, idle timeout) while the call waited for its audio. */
  ended: boolean;
}

export interface Subscription {
  readonly id: string;
  readonly events: AsyncIterator<TtsSessionEvent>;
  /** The session ended (send `ended`); false when this replica stopped and the session lives on. */
  sessionEnded(): boolean;
}

const CLAIM_LOST =
  "This subscriber's claim on the session expired while Redis was unreachable and another subscriber has it now; subscribe again.";

export class ClusterSessions {
  private readonly records: SessionRecords;
  /** Work this replica still does for subscribers elsewhere, and subscriptions it holds. */
  private readonly live = new Set<{ close(): void }>();

  private readonly reporter: ReturnType<typeof setInterval>;

  constructor(private readonly o: ClusterSessionsOptions) {
    this.records = new SessionRecords(o.link, o);
    this.reporter = setInterval(
      () => this.webSocketsChanged(),
      Math.min(1000, o.lockTtlMs / 3),
    ).unref();
  }

  /**
   * Before a WebSocket session opens: 429 when the cluster holds the most sessions. Without Redis
   * the WebSocket door keeps working, capped by this replica's own count.
   */
  async admitWebSocket(): Promise<void> {
    const live = await this.records.liveCount().catch((err: unknown) => {
      if (err instanceof StoreUnavailableError) return 0;
      throw err;
    });
    if (live >= this.o.maxSessions) throw new TooManySessionsError(this.o.maxSessions, 1);
  }

  /** Tells the cluster how many WebSocket sessions this replica holds (they expire unless renewed). */
  webSocketsChanged(): void {
    void this.records
      .reportWebSockets(this.o.replicaId, this.o.webSockets())
      .catch(() => undefined);
  }

  start(settings: SessionSettings, owner?: string): Promise<string> {
    return this.records.create(settings, owner);
  }

  async chunk(
    id: string,
    owner: string | undefined,
    body: { text: string; flush: boolean },
    signal?: AbortSignal,
  ): Promise<ChunkOutcome> {
    const lock = await this.records.acquire(id, owner, signal);
    // Lost before the commit, the commit refuses (503); lost after it, the call's sentences are
    // already the session's (their text is no longer buffered), so it goes on and says so.
    const stopKeepAlive = this.records.keepAlive(lock, () =>
      this.o.log?.('session lock lost during a chunk call', { session: id }),
    );
    let session: TtsSession | undefined;
    let handedOver = false;
    try {
      session = this.restore(lock);
      const seqs = session.pushText(body.text, { flush: body.flush });
      const base = lock.record.nextSeq;
      const bufferedText = session.bufferedText;
      if (!(await this.records.commit(lock, bufferedText, base + seqs.length)))
        return { events: [], bufferedText, ended: true };
      if (lock.subscribed) {
        // Nothing completed and nothing to flush: no event will come, so there is nothing to publish.
        if (seqs.length > 0 || body.flush) {
          handedOver = true;
          void this.publish(id, session, base, seqs.length, body.flush);
        }
        return { events: [], bufferedText, ended: false };
      }
      const events = await this.collect(id, session, seqs, signal);
      const ended = session.isEnded && events.length < seqs.length;
      return { events, bufferedText, ended };
    } finally {
      stopKeepAlive();
      await this.records.release(lock);
      if (!handedOver) session?.close();
    }
  }

  async end(id: string, owner?: string): Promise<void> {
    await this.records.delete(id, owner);
    await this.o.link.publish(keysOf(id).channel, ENDED_MESSAGE).catch(() => undefined);
  }

  /** Attaches the session's one SSE subscriber (409 when it has one), on this replica. */
  async subscribe(id: string, owner?: string, signal?: AbortSignal): Promise<Subscription> {
    const lock = await this.records.acquire(id, owner, signal);
    const token = randomUUID();
    try {
      if (lock.subscribed || !(await this.records.claimSubscriber(id, token)))
        throw new GatewayError(
          409,
          'bad_request',
          `Session '${echo(id)}' already has a subscriber.`,
        );
      return await this.attach(id, token, lock.record.nextSeq).catch(async (err: unknown) => {
        await this.records.releaseSubscriber(id, token);
        throw err;
      });
    } finally {
      await this.records.release(lock);
    }
  }

  /** SSE subscriptions this replica holds plus its chunk calls still publishing to one. */
  get held(): number {
    return this.live.size;
  }

  /** Ends every subscription this replica holds and stops its publishers (shutdown). */
  close(): void {
    clearInterval(this.reporter);
    for (const item of [...this.live]) item.close();
  }

  private restore(lock: HeldLock): TtsSession {
    const { modelId, voice, speed, buffered } = lock.record;
    const session = this.o.openSession({ modelId, voice, speed });
    // The unfinished sentence completes nothing by itself: it only gives the new text its start.
    if (buffered && session.pushText(buffered).length > 0) {
      session.close();
      throw new Error(`session ${lock.id}: its stored unfinished text completed a sentence`);
    }
    return session;
  }

  /** Waits for the call's sentences; a DELETE on any replica ends the wait, as in one process. */
  private async collect(id: string, session: TtsSession, seqs: number[], signal?: AbortSignal) {
    if (seqs.length === 0) return [];
    const stop = await this.o.link
      .subscribe(keysOf(id).channel, (m) => m === ENDED_MESSAGE && session.close())
      .catch(() => undefined);
    try {
      return await session.collect(seqs, signal);
    } finally {
      await stop?.();
    }
  }

  /** Publishes a subscribed call's events in order, then lets its session go. */
  private async publish(id: string, session: TtsSession, base: number, n: number, flush: boolean) {
    const handle = { close: () => session.close() };
    this.live.add(handle);
    const channel = keysOf(id).channel;
    let left = n;
    let flushPending = flush;
    try {
      for await (const ev of session) {
        if (ev.type === 'flushed') flushPending = false;
        else left--;
        await this.o.link.publish(channel, encodeEvent(ev, base, base + n));
        if (left <= 0 && !flushPending) break;
      }
    } catch (err) {
      this.o.log?.('session events could not be published', { session: id, error: String(err) });
    } finally {
      this.live.delete(handle);
      session.close();
    }
  }

  private async attach(id: string, token: string, nextSeq: number): Promise<Subscription> {
    const parts: { stop?: () => Promise<void>; timer?: ReturnType<typeof setInterval> } = {};
    const handle = { close: () => relay.end('replica') };
    const relay = new OrderedRelay(nextSeq, this.o.lostAfterMs ?? 15_000, () => {
      clearInterval(parts.timer);
      this.live.delete(handle);
      void parts.stop?.();
      void this.records.releaseSubscriber(id, token);
    });
    parts.stop = await this.o.link.subscribe(keysOf(id).channel, (m) => relay.push(m));
    this.live.add(handle);
    // The claim expires unless renewed (a killed replica frees it); a session gone ends the stream,
    // and a claim that expired and went to another subscriber lets this one go.
    parts.timer = setInterval(
      () =>
        void this.records.refreshSubscriber(id, token).then(
          (state) => {
            if (state === 'gone') relay.end();
            if (state === 'lost') relay.letGo(CLAIM_LOST);
          },
          () => undefined,
        ),
      Math.max(20, this.o.lockTtlMs / 3),
    );
    return { id, events: relay, sessionEnded: () => relay.sessionEnded };
  }
}
