// The only user of ioredis: two connections to the Redis that holds REST sessions (one for
// commands, one in subscriber mode for session events), set up to fail fast while Redis is away
// and to reconnect by themselves. Every failure of a command becomes a StoreUnavailableError (503).
import { Redis, type RedisOptions } from 'ioredis';
import { StoreUnavailableError } from '../errors.js';

/** What the cluster modules use of Redis: commands, scripts and pub/sub, errors already mapped. */
export interface RedisLink {
  /** Runs a command; rejects with StoreUnavailableError when Redis is unreachable. */
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
  /** Runs a Lua script (EVALSHA, falling back to EVAL the first time a server sees it). */
  script(script: LuaScript, keys: string[], args: (string | number)[]): Promise<unknown>;
  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>>;
  /** Both connections are up. */
  readonly ready: boolean;
  /** Both are up and the server answers a PING within `timeoutMs` (readiness; a stuck server does not). */
  ping(timeoutMs: number): Promise<boolean>;
  /** Resolves once both connections are up, or after `timeoutMs` (whichever is first). */
  connected(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface LuaScript {
  readonly lua: string;
  readonly sha: string;
}

// Commands fail at once while disconnected (no offline queue, no per-request retries), a hung
// server is noticed after commandTimeout, and reconnection goes on forever with a capped delay.
const OPTIONS: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  connectTimeout: 2000,
  commandTimeout: 2000,
  retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 5), 1000),
  autoResubscribe: true,
  lazyConnect: false,
};

export function connectRedis(url: string, onError: (err: Error) => void): RedisLink {
  const cmd = new Redis(url, { ...OPTIONS, connectionName: 'kittentts' });
  const sub = new Redis(url, { ...OPTIONS, connectionName: 'kittentts-events' });
  // An 'error' without a listener would crash the process; a reconnect follows each.
  cmd.on('error', onError);
  sub.on('error', onError);
  const listeners = new Map<string, Set<(message: string) => void>>();
  sub.on('message', (channel: string, message: string) => {
    for (const fn of listeners.get(channel) ?? []) fn(message);
  });
  const guard = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      throw isRedisReplyError(err) ? err : new StoreUnavailableError(err);
    }
  };
  return {
    call: (command, ...args) => guard(() => cmd.call(command, ...args)),
    script: (s, keys, args) =>
      guard(async () => {
        try {
          return await cmd.evalsha(s.sha, keys.length, ...keys, ...args);
        } catch (err) {
          if (!String((err as Error).message).startsWith('NOSCRIPT')) throw err;
          return cmd.eval(s.lua, keys.length, ...keys, ...args);
        }
      }),
    publish: (channel, message) => guard(async () => void (await cmd.publish(channel, message))),
    subscribe: (channel, onMessage) =>
      guard(async () => {
        let set = listeners.get(channel);
        if (!set) listeners.set(channel, (set = new Set()));
        set.add(onMessage);
        if (set.size === 1) {
          await sub.subscribe(channel).catch((err: unknown) => {
            listeners.delete(channel);
            throw err;
          });
        }
        return async () => {
          set.delete(onMessage);
          if (set.size > 0 || listeners.get(channel) !== set) return;
          listeners.delete(channel);
          await sub.unsubscribe(channel).catch(() => undefined);
        };
      }),
    get ready() {
      return cmd.status === 'ready' && sub.status === 'ready';
    },
    async ping(timeoutMs) {
      if (!this.ready) return false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<false>((r) => (timer = setTimeout(() => r(false), timeoutMs)));
      const answer = cmd.ping().then(
        (pong) => pong === 'PONG',
        () => false,
      );
      return Promise.race([answer, late]).finally(() => clearTimeout(timer));
    },
    async connected(timeoutMs) {
      const until = Date.now() + timeoutMs;
      while (!this.ready && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      return this.ready;
    },
    async close() {
      cmd.disconnect();
      sub.disconnect();
    },
  };
}

/**
 * Replies that say the server cannot serve sessions right now (it is loading, busy with a script,
 * a read-only replica after a failover, out of memory, unable to persist, or a cluster node that
 * is not the one to ask) rather than that our command is wrong.
 */
const UNAVAILABLE_REPLY =
  /^(NOSCRIPT|LOADING|BUSY|READONLY|OOM|MISCONF|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|MOVED|ASK)\b/;

/** A script error or a wrong-type reply is a bug of ours, not an unreachable Redis. */
function isRedisReplyError(err: unknown): boolean {
  return err instanceof Error && err.name === 'ReplyError' && !UNAVAILABLE_REPLY.test(err.message);
}
