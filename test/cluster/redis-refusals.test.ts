// A Redis that answers but refuses to serve sessions (a read-only replica after a failover, out of
// memory) makes REST session calls 503 with Retry-After, as an unreachable one does, not 500. And a
// gateway that fails to start leaves no Redis connection behind.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisCli, startRedis, type RedisServer } from '../helpers/cluster.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';
import { fetchJson } from '../helpers/http.js';

let redis: RedisServer;
let gw: TestGateway;

beforeAll(async () => {
  redis = await startRedis();
  gw = await startTestGateway({ KITTENTTS_REDIS_URL: redis.url });
});

afterAll(async () => {
  await gw?.cleanup();
  await redis?.stop();
});

const start = () =>
  fetchJson<{ session_id?: string; detail?: string }>(`${gw.url}/api/stream/start`, {
    method: 'POST',
  });

/** While Redis refuses (`refuse`, undone by `restore`), `call` answers 503 + Retry-After naming Redis. */
async function expectRefusedWhile(
  refuse: string[],
  restore: string[],
  call: () => Promise<{ status: number; headers: Headers; body: { detail?: string } }>,
) {
  await redisCli(redis, ...refuse);
  try {
    const refused = await call();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(refused.body.detail).toMatch(/Redis/);
  } finally {
    await redisCli(redis, ...restore);
  }
}

describe('REST sessions on a Redis that refuses writes', () => {
  it('answers 503 with Retry-After while Redis is a read-only replica, and 200 once it is a primary again', async () => {
    // A replica of a primary that does not exist: it answers, read-only.
    await expectRefusedWhile(['REPLICAOF', '127.0.0.1', '1'], ['REPLICAOF', 'NO', 'ONE'], start);
    expect((await start()).status).toBe(200);
  });

  it('answers 503 with Retry-After to a chunk call while Redis is out of memory, and 200 once it has room', async () => {
    const id = (await start()).body.session_id!;
    const chunk = () =>
      fetchJson<{ detail?: string }>(`${gw.url}/api/stream/chunk?session_id=${id}`, {
        json: { text: 'Hello.', flush: true },
      });
    await expectRefusedWhile(
      ['CONFIG', 'SET', 'maxmemory', '1'],
      ['CONFIG', 'SET', 'maxmemory', '0'],
      chunk,
    );
    expect((await chunk()).status).toBe(200);
  });
});

describe('a gateway on Redis that fails to start', () => {
  it('closes its Redis connections when the Wyoming door cannot listen', async () => {
    const ours = async () =>
      (await redisCli(redis, 'CLIENT', 'LIST')).split('\n').filter((l) => / name=kittentts/.test(l))
        .length;
    const before = await ours();
    const taken = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => taken.once('listening', r));
    const { port } = taken.address() as net.AddressInfo;
    try {
      await expect(
        startTestGateway({
          KITTENTTS_REDIS_URL: redis.url,
          KITTENTTS_WYOMING_PORT: String(port),
          KITTENTTS_WYOMING_HOST: '127.0.0.1',
        }),
      ).rejects.toThrow();
      let now = before + 1;
      const poll = setInterval(() => void ours().then((n) => (now = n)), 50);
      await waitFor(() => now === before, 10_000, 'its Redis connections to close').finally(() =>
        clearInterval(poll),
      );
    } finally {
      taken.close();
    }
  });
});
