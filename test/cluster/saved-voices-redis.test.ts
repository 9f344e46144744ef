// Saved voices shared through a real redis-server by two real gateways: a voice saved on one
// replica is listed and spoken by the other (its snapshot told over pub/sub), and a delete on one
// is seen by both.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_SERVER, redisCli, startRedis, type RedisServer } from '../helpers/cluster.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { fetchJson, postJson } from '../helpers/http.js';
import { waitForAsync } from '../helpers/wait.js';

let redis: RedisServer;
let a: TestGateway;
let b: TestGateway;
beforeAll(async () => {
  if (!existsSync(REDIS_SERVER))
    throw new Error(`${REDIS_SERVER} is missing (Debian redis-server)`);
  redis = await startRedis();
  a = await startTestGateway({ KITTENTTS_REDIS_URL: redis.url });
  b = await startTestGateway({ KITTENTTS_REDIS_URL: redis.url });
});
afterAll(async () => {
  await a?.cleanup();
  await b?.cleanup();
  await redis?.stop();
});

const generate = (url: string, voice: string) =>
  postJson(`${url}/api/generate`, { text: 'Shared voices.', voice });
const savedNames = async (url: string) =>
  (
    await fetchJson<{ voices: { name: string; category: string }[] }>(`${url}/v1/voices`)
  ).body.voices
    .filter((v) => v.category === 'saved')
    .map((v) => v.name);

describe('saved voices in Redis', () => {
  it('lets a second replica list and speak a voice saved on the first', async () => {
    const saved = await fetchJson(`${a.url}/v1/voices`, {
      method: 'POST',
      json: { name: 'Shared', voice: 'Bruno(1)+Rosie(3)' },
    });
    expect(saved.status).toBe(201);
    // Told over pub/sub: B speaks it without being asked to list first.
    await waitForAsync(async () => (await generate(b.url, 'Shared')).status === 200);
    expect(await savedNames(b.url)).toEqual(['Shared']);
    const fromB = await (await generate(b.url, 'Shared')).json();
    const fromA = await (await generate(a.url, 'Bruno(1)+Rosie(3)')).json();
    expect(fromB.audio_base64).toEqual(fromA.audio_base64);
    expect(await redisCli(redis, 'HGET', 'kittentts:saved-voices', 'Shared')).toBe(
      'Bruno(1)+Rosie(3)',
    );
  });

  it('forgets a voice on every replica when one deletes it', async () => {
    const res = await fetch(`${b.url}/v1/voices/Shared`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(await savedNames(a.url)).toEqual([]);
    await waitForAsync(async () => (await generate(a.url, 'Shared')).status === 400);
  });
});
