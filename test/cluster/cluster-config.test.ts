// The cluster settings in config.ts: unset means no Redis (everything in-process), a URL must be a
// Redis one, the replica id defaults to something unique per process and must fit in a header.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('cluster settings', () => {
  it('leaves Redis off unless KITTENTTS_REDIS_URL is set', () => {
    const c = loadConfig({});
    expect(c.redisUrl).toBeUndefined();
    expect(c.redisLockTtlMs).toBe(10_000);
    expect(c.replicaId).toMatch(new RegExp(`-${process.pid}$`));
  });

  it('takes a redis:// or rediss:// URL, a replica id and a lock TTL', () => {
    const c = loadConfig({
      KITTENTTS_REDIS_URL: 'rediss://:secret@redis.internal:6380/2',
      KITTENTTS_REPLICA_ID: 'pod-7f9c',
      KITTENTTS_REDIS_LOCK_TTL_S: '2.5',
    });
    expect([c.redisUrl, c.replicaId, c.redisLockTtlMs]).toEqual([
      'rediss://:secret@redis.internal:6380/2',
      'pod-7f9c',
      2500,
    ]);
  });

  it('refuses a URL that is not Redis and a replica id that cannot be a header value', () => {
    expect(() => loadConfig({ KITTENTTS_REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(
      /KITTENTTS_REDIS_URL: expected redis:\/\/… or rediss:\/\/…/,
    );
    expect(() => loadConfig({ KITTENTTS_REPLICA_ID: 'two words' })).toThrow(ConfigError);
    expect(() => loadConfig({ KITTENTTS_REDIS_LOCK_TTL_S: '0' })).toThrow(
      /KITTENTTS_REDIS_LOCK_TTL_S/,
    );
  });
});
