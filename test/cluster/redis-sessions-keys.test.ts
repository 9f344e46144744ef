// With API keys, a REST session in Redis belongs to the key that started it on every replica:
// another key gets the same 404 as for a session that does not exist, on whichever replica.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, startReplica, type RedisServer, type Replica } from '../helpers/cluster.js';
import { fetchJson } from '../helpers/http.js';

let redis: RedisServer;
let a: Replica | undefined;
let b: Replica | undefined;

beforeAll(async () => {
  redis = await startRedis();
  const env = { KITTENTTS_REDIS_URL: redis.url, KITTENTTS_API_KEYS: 'key-one,key-two' };
  const started = await Promise.allSettled([
    startReplica('replica-a', env).then((r) => (a = r)),
    startReplica('replica-b', env).then((r) => (b = r)),
  ]);
  for (const s of started) if (s.status === 'rejected') throw s.reason;
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await redis?.stop();
});

const as = (key: string) => ({ authorization: `Bearer ${key}` });

describe('REST sessions in Redis with API keys', () => {
  it('lets only the key that started a session use it, on every replica', async () => {
    const started = await fetchJson<{ session_id: string }>(`${a!.url}/api/stream/start`, {
      method: 'POST',
      headers: as('key-one'),
    });
    expect(started.status).toBe(200);
    const id = started.body.session_id;
    const chunk = (key: string) =>
      fetchJson<{ detail?: string; status?: string }>(
        `${b!.url}/api/stream/chunk?session_id=${id}`,
        {
          json: { text: 'Hello there.', flush: true },
          headers: { ...as(key), 'content-type': 'application/json' },
        },
      );
    const stranger = await chunk('key-two');
    expect(stranger.status).toBe(404);
    expect(stranger.body.detail).toMatch(/not found/);
    expect((await fetch(`${b!.url}/api/stream/chunk?session_id=${id}`)).status).toBe(401);
    const events = await fetch(`${b!.url}/api/stream/events?session_id=${id}`, {
      headers: as('key-two'),
    });
    expect(events.status).toBe(404);
    const gone = await fetch(`${b!.url}/api/stream/end/${id}`, {
      method: 'DELETE',
      headers: as('key-two'),
    });
    expect(gone.status).toBe(404);

    const owner = await chunk('key-one');
    expect(owner.status).toBe(200);
    expect(owner.body.status).toBe('flushed');
    const ended = await fetch(`${a!.url}/api/stream/end/${id}`, {
      method: 'DELETE',
      headers: as('key-one'),
    });
    expect(ended.status).toBe(200);
  });
});
