// Saved voices in Redis, for a cluster: one hash (name → blend) every replica reads, a channel that
// tells the others to reload after a change, and a snapshot in memory for the doors' synchronous
// lookups. The count bound is checked and the voice set in one script, so two replicas saving at
// once cannot pass it together.
import { createHash } from 'node:crypto';
import {
  sortedVoices,
  storeFullError,
  type SavedVoiceStore,
} from '../saved-voices/saved-voice-store.js';
import {
  MAX_SAVED_VOICES,
  parseStored,
  type SavedVoice,
} from '../saved-voices/saved-voice-rules.js';
import type { LuaScript, RedisLink } from './redis.js';

const HASH = 'kittentts:saved-voices';
const CHANGED = 'kittentts:saved-voices:changed';

const lua = `if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return 0 end
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return -1 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return 1`;
/** KEYS: the hash. ARGV: name, blend, max → 1 created, 0 replaced, -1 full. */
const SAVE: LuaScript = Object.freeze({ lua, sha: createHash('sha1').update(lua).digest('hex') });

export class RedisVoiceStore implements SavedVoiceStore {
  private voices = new Map<string, string>();
  private unsubscribe: (() => Promise<void>) | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(
    private readonly link: RedisLink,
    private readonly onError: (err: Error) => void,
  ) {
    void this.subscribe();
  }

  /**
   * Subscribes to the change channel and loads the hash; while Redis is away (at start, say),
   * tries again every second. Once subscribed, ioredis resubscribes by itself after a reconnect.
   */
  private async subscribe(): Promise<void> {
    try {
      const unsubscribe = await this.link.subscribe(CHANGED, () => {
        void this.reload().catch(this.onError);
      });
      if (this.closed) return void (await unsubscribe());
      this.unsubscribe = unsubscribe;
      await this.reload();
    } catch (err) {
      if (this.closed) return;
      if (this.unsubscribe === undefined) this.onError(err as Error);
      this.retry = setTimeout(() => {
        if (this.unsubscribe) void this.reload().catch(this.onError);
        else void this.subscribe();
      }, 1000);
      this.retry.unref();
    }
  }

  get(name: string): string | undefined {
    return this.voices.get(name);
  }

  async list(): Promise<SavedVoice[]> {
    await this.reload();
    return sortedVoices(this.voices);
  }

  async save({ name, blend }: SavedVoice): Promise<boolean> {
    const answer = await this.link.script(SAVE, [HASH], [name, blend, MAX_SAVED_VOICES]);
    if (answer === -1) throw storeFullError();
    this.voices.set(name, blend);
    await this.announce();
    return answer === 1;
  }

  async delete(name: string): Promise<boolean> {
    const removed = (await this.link.call('HDEL', HASH, name)) === 1;
    this.voices.delete(name);
    if (removed) await this.announce();
    return removed;
  }

  async close(): Promise<void> {
    await (
      await this.unsubscribe
    )?.();
  }

  /** The hash, read afresh into the snapshot. */
  private async reload(): Promise<void> {
    const flat = (await this.link.call('HGETALL', HASH)) as string[];
    const pairs: [string, string][] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
    this.voices = parseStored(pairs);
  }

  /** Tells the other replicas to reload; a lost message is caught up by their next list(). */
  private async announce(): Promise<void> {
    await this.link.publish(CHANGED, '1').catch(this.onError);
  }
}
