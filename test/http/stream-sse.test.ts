import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWav, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { postJson } from '../helpers/http.js';
import { readSse, type SseEvent } from '../helpers/sse.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.cleanup();
});

const text = 'The quick brown fox jumps. Dr. Smith paid $3.50 at 10 a.m. today. It was fine!';

describe('POST /api/generate/stream', () => {
  it('sends one audio event per chunk, then done', async () => {
    const res = await postJson(`${gw.url}/api/generate/stream`, { text, voice: 'Kiki' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events: SseEvent[] = [];
    for await (const ev of readSse(res)) events.push(ev);
    const audio = events.filter((e) => e.event === 'audio');
    expect(audio.map((e) => e.data.seq)).toEqual([0, 1, 2]);
    expect(audio.map((e) => e.data.text)).toEqual([
      'The quick brown fox jumps.',
      'Dr. Smith paid $3.50 at 10 a.m. today.',
      'It was fine!',
    ]);
    const done = events.at(-1)!;
    expect(done.event).toBe('done');
    expect(done.data.chunks).toBe(3);
  });

  it('joins to the same samples as one-shot /api/generate', async () => {
    const one = await (await postJson(`${gw.url}/api/generate`, { text })).json();
    const whole = parseWav(Buffer.from(one.audio_base64, 'base64')).samples;
    const res = await postJson(`${gw.url}/api/generate/stream`, { text });
    const parts: Int16Array[] = [];
    for await (const ev of readSse(res)) {
      if (ev.event === 'audio')
        parts.push(parseWav(Buffer.from(ev.data.audio_base64 as string, 'base64')).samples);
    }
    const joined = Int16Array.from(parts.flatMap((p) => [...p]));
    expect(joined.length).toBe(whole.length);
    expect(
      Buffer.from(joined.buffer).equals(
        Buffer.from(whole.buffer, whole.byteOffset, whole.byteLength),
      ),
    ).toBe(true);
  });

  it('answers validation errors as plain HTTP before streaming', async () => {
    const res = await postJson(`${gw.url}/api/generate/stream`, { text: 'Hi.', format: 'ogg' });
    expect(res.status).toBe(400);
    expect((await res.json()).detail).toMatch(/format/);
  });
});

describe('GET /api/stream/events', () => {
  it('receives the audio of a REST session while chunk calls return at once', async () => {
    const { session_id } = await (
      await fetch(`${gw.url}/api/stream/start?voice=Leo`, { method: 'POST' })
    ).json();
    const res = await fetch(`${gw.url}/api/stream/events?session_id=${session_id}`);
    expect(res.status).toBe(200);
    const events = readSse(res);
    const push = async (t: string, flush = false) =>
      (
        await postJson(`${gw.url}/api/stream/chunk?session_id=${session_id}`, { text: t, flush })
      ).json();
    await new Promise((r) => setTimeout(r, 100));
    const r1 = await push('Hello there! How are');
    expect(r1.audio_chunks).toEqual([]);
    const first = await events.next();
    expect(first.value).toMatchObject({
      event: 'audio',
      data: { seq: 0, text: 'Hello there!', format: 'wav' },
    });
    await push(' you today', true);
    expect((await events.next()).value).toMatchObject({ event: 'audio', data: { seq: 1 } });
    expect((await events.next()).value).toMatchObject({ event: 'flushed' });
    await fetch(`${gw.url}/api/stream/end/${session_id}`, { method: 'DELETE' });
    expect((await events.next()).value).toMatchObject({ event: 'ended' });
    expect((await events.next()).done).toBe(true);
  });

  it('answers 404 for an unknown session before the stream starts', async () => {
    const res = await fetch(`${gw.url}/api/stream/events?session_id=unknown`);
    expect(res.status).toBe(404);
    expect((await res.json()).detail).toMatch(/not found/);
  });

  it('detaches a subscriber that disconnects, leaving the session usable', async () => {
    const { session_id } = await (
      await fetch(`${gw.url}/api/stream/start`, { method: 'POST' })
    ).json();
    const ac = new AbortController();
    const res = await fetch(`${gw.url}/api/stream/events?session_id=${session_id}`, {
      signal: ac.signal,
    });
    expect(res.status).toBe(200);
    ac.abort();
    await new Promise((r) => setTimeout(r, 200));
    const r = await (
      await postJson(`${gw.url}/api/stream/chunk?session_id=${session_id}`, {
        text: 'Back to REST.',
        flush: true,
      })
    ).json();
    expect(r.audio_chunks).toHaveLength(1);
    await fetch(`${gw.url}/api/stream/end/${session_id}`, { method: 'DELETE' });
  });
});

describe('streaming sessions and idle clients', () => {
  let idle: TestGateway;
  beforeAll(async () => {
    idle = await startTestGateway({
      KITTENTTS_SESSION_TTL_S: '1',
      KITTENTTS_SSE_HEARTBEAT_S: '0.1',
      KITTENTTS_WORKERS: '1',
    });
  });
  afterAll(async () => {
    await idle?.cleanup();
  });
  const start = async () =>
    (
      (await (await fetch(`${idle.url}/api/stream/start`, { method: 'POST' })).json()) as {
        session_id: string;
      }
    ).session_id;

  it('sends a heartbeat comment while a subscriber has nothing to receive', async () => {
    const id = await start();
    const ac = new AbortController();
    const res = await fetch(`${idle.url}/api/stream/events?session_id=${id}`, {
      signal: ac.signal,
    });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let got = '';
    while ((got.match(/^: heartbeat$/gm) ?? []).length < 2)
      got += (await reader.read()).value ?? '';
    ac.abort();
    await fetch(`${idle.url}/api/stream/end/${id}`, { method: 'DELETE' });
  });

  it('closes a session whose client went quiet although a subscriber is attached, with an ended event', async () => {
    const id = await start();
    const res = await fetch(`${idle.url}/api/stream/events?session_id=${id}`);
    const events: string[] = [];
    for await (const ev of readSse(res)) events.push(ev.event);
    expect(events).toEqual(['ended']);
    expect(
      (await postJson(`${idle.url}/api/stream/chunk?session_id=${id}`, { text: 'Hi.' })).status,
    ).toBe(404);
  });

  it('answers a chunk call that was waiting when its session ended with what was made and status ended', async () => {
    const id = await start();
    const long = Array.from(
      { length: 30 },
      (_, i) =>
        `Sentence number ${i + 1} is here to keep the single worker busy for a while longer.`,
    ).join(' ');
    const pending = postJson(`${idle.url}/api/stream/chunk?session_id=${id}`, {
      text: long,
      flush: true,
    });
    await new Promise((r) => setTimeout(r, 150));
    await fetch(`${idle.url}/api/stream/end/${id}`, { method: 'DELETE' });
    const res = await pending;
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; audio_chunks: string[] };
    expect(body.status).toBe('ended');
    expect(body.audio_chunks.length).toBeLessThan(30);
  });
});
