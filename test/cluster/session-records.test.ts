// The session lock of a REST session in Redis (cluster/session-records.ts) against a real
// redis-server: held while a call runs, and a lock that expired under a running call is reported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, type RedisLink } from '../../src/cluster/redis.js';
import { keysOf, SessionRecords } from '../../src/cluster/session-records.js';
import { redisCli, startRedis, type RedisServer } from '../helpers/cluster.js';
import { waitFor } from '../helpers/wait.js';

let redis: RedisServer;
let link: RedisLink;
let records: SessionRecords;

beforeAll(async () => {
  redis = await startRedis();
  link = connectRedis(redis.url, () => undefined);
  expect(await link.connected(5000)).toBe(true);
  records = new SessionRecords(link, { ttlMs: 60_000, maxSessions: 10, lockTtlMs: 300 });
});

afterAll(async () => {
  await link?.close();
  await redis?.stop();
});

const settings = { modelId: 'kitten-tts-nano', voice: 'Jasper', speed: 1 };

describe('SessionRecords locks', () => {
  it('keeps a held lock past its TTL while the call runs, and reports none lost', async () => {
    const id = await records.create(settings);
    const lock = await records.acquire(id);
    let lost = 0;
    const stop = records.keepAlive(lock, () => lost++);
    const ttl = () => redisCli(redis, 'PTTL', keysOf(id).lock);
    // Renewed three times over (each renewal sets the TTL back up to 300 ms).
    for (let renewals = 0, last = Number(await ttl()); renewals < 3;) {
      const now = Number(await ttl());
      if (now > last) renewals++;
      last = now;
      expect(now).toBeGreaterThan(0);
    }
    stop();
    expect(lost).toBe(0);
    await records.release(lock);
    expect(await redisCli(redis, 'EXISTS', keysOf(id).lock)).toBe('0');
  });

  it('reports a lock that expired under a running call, once', async () => {
    const id = await records.create(settings);
    const lock = await records.acquire(id);
    let lost = 0;
    const stop = records.keepAlive(lock, () => lost++);
    // As if it had expired while Redis was away, and another call had taken it since.
    await redisCli(redis, 'SET', keysOf(id).lock, 'another-call', 'PX', '60000');
    await waitFor(() => lost > 0, 10_000, 'the lost lock to be reported');
    // The keep-alive stopped: the other call's lock is left alone.
    expect(await redisCli(redis, 'GET', keysOf(id).lock)).toBe('another-call');
    expect(lost).toBe(1);
    stop();
    await expect(records.commit(lock, '', 0)).rejects.toMatchObject({ status: 503 });
  });
});
