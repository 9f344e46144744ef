// REST sessions shared through a real redis-server by two real gateway processes behind a real
// HAProxy (round robin), all on 127.0.0.1: calls that land on the other replica, an SSE subscriber
// fed by the other replica, the cluster-wide cap, Redis going away and coming back, and a replica
// killed with SIGKILL between two chunk calls (last: it leaves one replica).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HAPROXY,
  REDIS_SERVER,
  redisCli,
  startHaproxy,
  startRedis,
  startReplica,
  type Balancer,
  type RedisServer,
  type Replica,
} from '../helpers/cluster.js';
import { parseWav, sentences } from '../helpers/gateway.js';
import { fetchJson, postJson } from '../helpers/http.js';
import { waitForAsync } from '../helpers/wait.js';
import { wsClient } from '../helpers/ws-client.js';

const MAX_SESSIONS = 4;
let redis: RedisServer;
let a: Replica;
let b: Replica;
let lb: Balancer;

beforeAll(async () => {
  for (const bin of [REDIS_SERVER, HAPROXY]) {
    if (!existsSync(bin))
      throw new Error(
        `${bin} is missing: these tests need the Debian packages redis-server and haproxy`,
      );
  }
  redis = await startRedis();
  const env = {
    KITTENTTS_REDIS_URL: redis.url,
    KITTENTTS_MAX_SESSIONS: String(MAX_SESSIONS),
    KITTENTTS_REDIS_LOCK_TTL_S: '2',
  };
  // Each one assigned as it starts, so afterAll stops it even if the other fails to start.
  const started = await Promise.allSettled([
    startReplica('replica-a', env).then((r) => (a = r)),
    startReplica('replica-b', env).then((r) => (b = r)),
  ]);
  for (const s of started) if (s.status === 'rejected') throw s.reason;
  lb = await startHaproxy([a, b]);
  await Promise.all([ready(a.url), ready(b.url)]);
});

afterAll(async () => {
  await Promise.all([lb?.stop(), a?.stop(), b?.stop()]);
  await redis?.stop();
});

/** Polls `pred` until it holds; fails naming `what` if it never does (a guard against a hang). */
const until = (pred: () => Promise<boolean>, what: string, limitMs = 30_000) =>
  waitForAsync(pred, limitMs, what);

/** Until the replica's worker is synthesizing (its /metrics gauge). */
async function untilBusy(url: string): Promise<void> {
  await until(
    async () => /^kittentts_busy_workers [1-9]/m.test(await (await fetch(`${url}/metrics`)).text()),
    `a busy worker on ${url}`,
  );
}

/** This replica's live-session gauge (WebSocket sessions plus the cluster work it holds). */
async function liveOf(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^kittentts_live_sessions (\d+)/m.exec(text)?.[1]);
}

const replicaOf = (res: { headers: Headers }) => res.headers.get('x-kittentts-replica');

async function ready(url: string): Promise<void> {
  await until(
    async () => (await fetch(`${url}/api/ready`).catch(() => undefined))?.status === 200,
    `${url}/api/ready to answer 200`,
  );
}

async function start(url: string) {
  const res = await fetchJson<{ session_id: string; detail?: string }>(
    `${url}/api/stream/start?voice=Jasper&speed=1.0`,
    { method: 'POST' },
  );
  return { ...res, id: res.body.session_id };
}

interface ChunkBody {
  audio_chunks: string[];
  buffered_text: string;
  status: string;
  sample_rate: number;
  detail?: string;
}

const chunk = (url: string, id: string, text: string, flush = false) =>
  fetchJson<ChunkBody>(`${url}/api/stream/chunk?session_id=${id}`, { json: { text, flush } });

const end = (url: string, id: string) =>
  fetchJson(`${url}/api/stream/end/${id}`, { method: 'DELETE' });

/** Audio compared by sample count and digest (a failing diff of whole arrays takes minutes). */
const fingerprint = (samples: Int16Array) => ({
  samples: samples.length,
  sha1: createHash('sha1').update(samples).digest('hex'),
});

/** What /api/generate makes of `text` (what a session's sentence must sound like). */
async function generated(url: string, text: string) {
  const res = await postJson(`${url}/api/generate`, { text, voice: 'Jasper', speed: 1.0 });
  const body = (await res.json()) as { audio_base64: string };
  return fingerprint(parseWav(Buffer.from(body.audio_base64, 'base64')).samples);
}

const samplesOf = (b64: string) => fingerprint(parseWav(Buffer.from(b64, 'base64')).samples);

describe('REST sessions in Redis behind a round-robin balancer', () => {
  it('runs the seed streaming flow with every call landing on the other replica', async () => {
    const started = await start(lb.url);
    expect(started.status).toBe(200);
    const first = await chunk(lb.url, started.id, 'Hello there! How are');
    const second = await chunk(lb.url, started.id, ' you today?', true);
    const ended = await end(lb.url, started.id);
    const replicas = [started, first, second, ended].map(replicaOf);
    expect(new Set(replicas)).toEqual(new Set(['replica-a', 'replica-b']));
    for (let i = 1; i < replicas.length; i++) expect(replicas[i]).not.toBe(replicas[i - 1]);

    expect(first.status).toBe(200);
    expect(first.body.status).toBe('streaming');
    expect(first.body.buffered_text).toBe(' How are');
    expect(first.body.audio_chunks).toHaveLength(1);
    expect(second.body).toMatchObject({ status: 'flushed', buffered_text: '', sample_rate: 24000 });
    expect(second.body.audio_chunks).toHaveLength(1);
    // The second replica continued from the text the first one left unfinished.
    expect(samplesOf(first.body.audio_chunks[0]!)).toEqual(await generated(a.url, 'Hello there!'));
    expect(samplesOf(second.body.audio_chunks[0]!)).toEqual(
      await generated(b.url, 'How are you today?'),
    );
    expect(ended.body).toEqual({ status: 'ended', session_id: started.id });
    expect((await chunk(lb.url, started.id, 'Hi.')).status).toBe(404);
  });

  it('serializes concurrent chunk calls on one session across replicas', async () => {
    const { id } = await start(lb.url);
    try {
      const [x, y] = await Promise.all([
        chunk(a.url, id, 'First sentence here. Then'),
        chunk(b.url, id, ' second one follows. And'),
      ]);
      const last = await chunk(lb.url, id, ' the end.', true);
      expect(last.body.buffered_text).toBe('');
      // Serialized, the second call continues the text the first one left: either order is fine,
      // an interleaving (both reading the same buffer) sounds like neither. The buffer is joined
      // as sent, so y first leaves "And" and x then makes "AndFirst sentence here.".
      const heard = [x, y, last].map((c) => c.body.audio_chunks.map(samplesOf));
      const xFirst = [['First sentence here.'], ['Then second one follows.'], ['And the end.']];
      const yFirst = [['AndFirst sentence here.'], ['second one follows.'], ['Then the end.']];
      const sound = (texts: string[][]) =>
        Promise.all(texts.map((t) => Promise.all(t.map((s) => generated(a.url, s)))));
      const orders = [await sound(xFirst), await sound(yFirst)];
      expect(orders).toContainEqual(heard);
    } finally {
      await end(lb.url, id);
    }
  });

  it('answers a chunk call still waiting for audio with what was made and "ended" when another replica deletes the session', async () => {
    const { id } = await start(a.url);
    const waiting = chunk(a.url, id, `${sentences(100)} And`);
    await untilBusy(a.url);
    expect((await end(b.url, id)).status).toBe(200);
    const answer = await waiting;
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('ended');
    expect(answer.body.audio_chunks.length).toBeLessThan(100);
  });

  it('feeds an SSE subscriber on replica A with the audio of chunks posted through replica B', async () => {
    const { id } = await start(a.url);
    const res = await fetch(`${a.url}/api/stream/events?session_id=${id}`);
    expect(res.status).toBe(200);
    expect(replicaOf(res)).toBe('replica-a');
    const events = readSse(res);
    expect((await fetch(`${b.url}/api/stream/events?session_id=${id}`)).status).toBe(409);
    const one = await chunk(b.url, id, 'Hello there! How are');
    const two = await chunk(b.url, id, ' you today?', true);
    expect(replicaOf(one)).toBe('replica-b');
    expect([one.body.audio_chunks, two.body.audio_chunks]).toEqual([[], []]);
    expect(two.body.status).toBe('flushed');
    const got = await events.until((evs) => evs.some((e) => e.event === 'flushed'));
    expect(got.map((e) => e.event)).toEqual(['audio', 'audio', 'flushed']);
    const [hello, rest] = got.map((e) => JSON.parse(e.data) as Record<string, string>);
    expect([hello!.seq, hello!.text, rest!.seq, rest!.text]).toEqual([
      0,
      'Hello there!',
      1,
      'How are you today?',
    ]);
    expect(samplesOf(rest!.audio_base64!)).toEqual(await generated(a.url, 'How are you today?'));
    await end(b.url, id);
    const all = await events.until((evs) => evs.some((e) => e.event === 'ended'));
    expect(all.at(-1)).toEqual({ event: 'ended', data: JSON.stringify({ session_id: id }) });
  });

  it('leaves no publisher behind on the chunk replica when a subscribed chunk call completes no sentence', async () => {
    const { id } = await start(a.url);
    const before = await liveOf(b.url);
    const res = await fetch(`${a.url}/api/stream/events?session_id=${id}`);
    expect(res.status).toBe(200);
    const events = readSse(res);
    // Token by token: pieces that complete no sentence, and an empty one.
    for (const text of ['Hello ', '', 'there']) {
      const c = await chunk(b.url, id, text);
      expect(c.body).toMatchObject({ status: 'streaming', audio_chunks: [] });
    }
    expect(await liveOf(b.url)).toBe(before);
    await chunk(b.url, id, '.', true);
    const got = await events.until((evs) => evs.some((e) => e.event === 'flushed'));
    expect(got.map((e) => e.event)).toEqual(['audio', 'flushed']);
    expect((JSON.parse(got[0]!.data) as { text: string }).text).toBe('Hello there.');
    await end(b.url, id);
    await events.until((evs) => evs.some((e) => e.event === 'ended'));
    await until(async () => (await liveOf(b.url)) === before, 'the flushing call to let go');
  });

  it('takes back an SSE claim that expired, and lets the subscriber go with an error once another holds it', async () => {
    const { id } = await start(a.url);
    const events = readSse(await fetch(`${a.url}/api/stream/events?session_id=${id}`));
    const claim = `kittentts:session:${id}:subscriber`;
    // As if the claim had expired while Redis was away: the subscriber's replica claims it back.
    expect(await redisCli(redis, 'DEL', claim)).toBe('1');
    await until(async () => (await redisCli(redis, 'EXISTS', claim)) === '1', 'the claim back');
    expect((await fetch(`${b.url}/api/stream/events?session_id=${id}`)).status).toBe(409);
    expect((await chunk(b.url, id, 'Still heard.', true)).body.audio_chunks).toEqual([]);
    await events.until((evs) => evs.some((e) => e.event === 'flushed'));
    // Expired and taken by another subscriber meanwhile: this one hears nothing more, so it is let go.
    await redisCli(redis, 'SET', claim, 'another-subscriber', 'PX', '60000');
    const all = await events.until((evs) => evs.some((e) => e.event === 'error'));
    expect(all.map((e) => e.event)).toEqual(['audio', 'flushed', 'error']);
    expect(JSON.parse(all[2]!.data)).toMatchObject({
      detail: expect.stringMatching(/subscribe again/),
    });
    // Closed without `ended`: the session goes on.
    expect((await events.closed()).map((e) => e.event)).toEqual(['audio', 'flushed', 'error']);
    await redisCli(redis, 'DEL', claim);
    const again = await fetch(`${b.url}/api/stream/events?session_id=${id}`);
    expect(again.status).toBe(200);
    const resumed = readSse(again);
    await end(a.url, id);
    await resumed.until((evs) => evs.some((e) => e.event === 'ended'));
  });

  it('answers 429 on both replicas once the cluster holds the most sessions, WebSockets included', async () => {
    const socket = wsClient(a.url, 'voice=Jasper');
    await socket.ready;
    const ids: string[] = [];
    try {
      for (let i = 0; i < MAX_SESSIONS - 1; i++) {
        const s = await start(i % 2 ? a.url : b.url);
        expect(s.status).toBe(200);
        ids.push(s.id);
      }
      for (const url of [a.url, b.url]) {
        const refused = await start(url);
        expect(refused.status).toBe(429);
        expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(refused.body.detail).toMatch(/Too many streaming sessions/);
      }
      const refusedSocket = wsClient(b.url, 'voice=Jasper');
      expect(await refusedSocket.upgrade).toBe(429);
      await end(a.url, ids.pop()!);
      const s = await start(b.url);
      expect(s.status).toBe(200);
      ids.push(s.id);
      // The WebSocket's slot frees once its replica reports it gone.
      socket.send({ type: 'end' });
      expect(await socket.closed).toBe(1000);
      let again = await start(a.url);
      for (let i = 0; again.status === 429 && i < 100; i++) {
        await new Promise((r) => setTimeout(r, 100));
        again = await start(a.url);
      }
      expect(again.status).toBe(200);
      ids.push(again.id);
    } finally {
      socket.ws.terminate();
      for (const id of ids) await end(lb.url, id);
    }
  });

  it('answers 429 with Retry-After on both replicas when WebSocket sessions alone fill the cap', async () => {
    const sockets = Array.from({ length: MAX_SESSIONS }, (_, i) =>
      wsClient(i % 2 ? a.url : b.url, 'voice=Jasper'),
    );
    const ids: string[] = [];
    try {
      await Promise.all(sockets.map((s) => s.ready));
      // Each replica reports its WebSocket count as a socket opens (and every second).
      await until(async () => {
        const s = await start(a.url);
        if (s.status === 200) await end(a.url, s.id);
        return s.status === 429;
      }, 'the sockets to be counted');
      for (const url of [a.url, b.url]) {
        const refused = await start(url);
        expect(refused.status).toBe(429);
        expect(refused.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
        expect(refused.body.detail).toMatch(/Too many streaming sessions/);
      }
    } finally {
      for (const s of sockets) s.ws.terminate();
      await until(async () => {
        const s = await start(b.url);
        if (s.status === 200) ids.push(s.id);
        return s.status === 200;
      }, 'the sockets to be forgotten');
      for (const id of ids) await end(lb.url, id);
    }
  });

  it('reports cluster totals in /api/stats from either replica, and says which replica answered', async () => {
    const s = (url: string) =>
      fetchJson<{ generation_stats: { total_requests: number }; system: { replica_id: string } }>(
        `${url}/api/stats`,
      );
    const before = (await s(a.url)).body.generation_stats.total_requests;
    await generated(a.url, 'One on A.');
    await generated(b.url, 'One on B.');
    const [fromA, fromB] = await Promise.all([s(a.url), s(b.url)]);
    expect(fromA.body.generation_stats.total_requests).toBe(before + 2);
    expect(fromB.body.generation_stats).toEqual(fromA.body.generation_stats);
    expect([fromA.body.system.replica_id, fromB.body.system.replica_id]).toEqual([
      'replica-a',
      'replica-b',
    ]);
  });

  it('answers 503 to session calls and readiness while Redis is down, and recovers when it is back', async () => {
    const { id } = await start(lb.url);
    await redis.stop();
    for (const url of [a.url, b.url]) {
      const c = await chunk(url, id, 'Hello.');
      expect(c.status).toBe(503);
      expect(c.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(c.body.detail).toMatch(/Redis/);
      expect((await start(url)).status).toBe(503);
      const gone = await end(url, id);
      expect(gone.status).toBe(503);
      expect(gone.headers.get('retry-after')).toMatch(/^\d+$/);
      const events = await fetchJson<{ detail: string }>(
        `${url}/api/stream/events?session_id=${id}`,
      );
      expect(events.status).toBe(503);
      expect(events.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(events.body.detail).toMatch(/Redis/);
      const r = await fetchJson<{ detail: string }>(`${url}/api/ready`);
      expect(r.status).toBe(503);
      expect(r.body.detail).toMatch(/Redis/);
      // What the balancer checks: the replica stays in rotation for the routes that need no Redis.
      const optional = await fetchJson(`${url}/api/ready?redis=optional`);
      expect(optional.status).toBe(200);
      expect(optional.body).toMatchObject({ status: 'ready', session_store: 'unreachable' });
      expect((await fetch(`${url}/api/health`)).status).toBe(200);
    }
    // WebSocket and one-shot routes do not need Redis.
    const ws = wsClient(a.url, 'voice=Jasper&encoding=json');
    await ws.ready;
    ws.send({ type: 'text', text: 'Still speaking.' });
    ws.send({ type: 'end' });
    expect(await ws.closed).toBe(1000);
    expect(ws.types().filter((t) => t === 'audio')).toHaveLength(1);
    expect((await generated(b.url, 'Still here.')).samples).toBeGreaterThan(0);

    redis = await startRedis(redis.port);
    await Promise.all([ready(a.url), ready(b.url)]);
    const again = await start(lb.url);
    expect(again.status).toBe(200);
    const c = await chunk(lb.url, again.id, 'Back again.', true);
    expect(c.status).toBe(200);
    expect(c.body.audio_chunks).toHaveLength(1);
    await end(lb.url, again.id);
  });

  it('continues a session on the other replica after the one that served it is killed with SIGKILL', async () => {
    const { id } = await start(lb.url);
    const first = await chunk(lb.url, id, 'Hello there! How are');
    expect(first.body.buffered_text).toBe(' How are');
    const victim = replicaOf(first) === 'replica-a' ? a : b;
    const survivor = victim === a ? b : a;
    // A second session whose SSE subscriber sits on the replica about to die.
    const listened = await start(survivor.url);
    const orphan = await fetch(`${victim.url}/api/stream/events?session_id=${listened.id}`);
    expect(orphan.status).toBe(200);
    await victim.kill();
    await orphan.body?.cancel().catch(() => undefined);

    const second = await chunk(lb.url, id, ' you today?', true);
    expect(second.status).toBe(200);
    expect(replicaOf(second)).toBe(survivor.id);
    expect(second.body).toMatchObject({ status: 'flushed', buffered_text: '' });
    expect(second.body.audio_chunks.map(samplesOf)).toEqual([
      await generated(survivor.url, 'How are you today?'),
    ]);
    expect((await end(lb.url, id)).status).toBe(200);

    // The dead replica's subscriber claim expires (KITTENTTS_REDIS_LOCK_TTL_S) and a new one attaches.
    const url = `${survivor.url}/api/stream/events?session_id=${listened.id}`;
    let res = await fetch(url);
    for (let i = 0; res.status === 409 && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 100));
      res = await fetch(url);
    }
    expect(res.status).toBe(200);
    const events = readSse(res);
    await chunk(lb.url, listened.id, 'Heard again.', true);
    const got = await events.until((evs) => evs.some((e) => e.event === 'flushed'));
    expect(got.map((e) => e.event)).toEqual(['audio', 'flushed']);
    await end(lb.url, listened.id);
    await events.until((evs) => evs.some((e) => e.event === 'ended'));
  });
});

interface SseEvent {
  event: string;
  data: string;
}

/** Reads an SSE response in the background; until() waits for the events so far to satisfy pred. */
function readSse(res: Response) {
  const events: SseEvent[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  void (async () => {
    const decoder = new TextDecoder();
    let buf = '';
    const reader = res.body!.getReader();
    for (;;) {
      const { done: over, value } = await reader.read();
      if (over) break;
      buf += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event !== undefined) events.push({ event, data: data ?? '' });
      }
      wake?.();
    }
    done = true;
    wake?.();
  })();
  return {
    /** Resolves with every event once the stream has ended (the server closed it). */
    async closed(): Promise<SseEvent[]> {
      while (!done) await new Promise<void>((r) => (wake = r));
      return [...events];
    },
    async until(pred: (evs: SseEvent[]) => boolean): Promise<SseEvent[]> {
      while (!pred(events)) {
        if (done)
          throw new Error(`the stream ended with ${JSON.stringify(events.map((e) => e.event))}`);
        await new Promise<void>((r) => (wake = r));
      }
      return [...events];
    },
  };
}
