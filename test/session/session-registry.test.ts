import { describe, expect, it, vi } from 'vitest';
import { NotFoundError, ShuttingDownError } from '../../src/errors.js';
import { SessionRegistry, TooManySessionsError } from '../../src/session/session-registry.js';
import { TtsSession } from '../../src/session/tts-session.js';
import { FakeEngine } from './fake-engine.js';

function opener(lanes: FakeEngine[] = []) {
  return () => {
    const lane = new FakeEngine(() => 1);
    lanes.push(lane);
    return new TtsSession(lane, {
      modelId: 'kitten-tts-nano',
      voice: 'Bella',
      onClose: lane.onSessionClose,
    });
  };
}

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('SessionRegistry', () => {
  it('creates, gets and deletes sessions by id, closing them on delete', () => {
    const lanes: FakeEngine[] = [];
    const registry = new SessionRegistry({ ttlMs: 60_000 });
    const session = registry.create(opener(lanes));
    expect(registry.size).toBe(1);
    expect(registry.get(session.id)).toBe(session);
    expect(registry.has(session.id)).toBe(true);
    expect(registry.delete(session.id)).toBe(true);
    expect(registry.delete(session.id)).toBe(false);
    expect(registry.size).toBe(0);
    expect(lanes[0]!.closed).toBe(1);
    expect(session.isEnded).toBe(true);
    expect(() => registry.get(session.id)).toThrow(NotFoundError);
  });

  it('answers an unknown id with a 404 error naming it', () => {
    const registry = new SessionRegistry();
    try {
      registry.get('nope');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(NotFoundError);
      expect((err as NotFoundError).status).toBe(404);
      expect((err as NotFoundError).message).toContain("'nope'");
    }
  });

  it('gives a session made with an owner only to that API key, as if no other key could see it', () => {
    const registry = new SessionRegistry({ ttlMs: 60_000 });
    const owned = registry.create(opener(), { owner: 'key-a' });
    const open = registry.create(opener());
    expect(registry.get(owned.id, 'key-a')).toBe(owned);
    expect(() => registry.get(owned.id, 'key-b')).toThrow(NotFoundError);
    expect(() => registry.get(owned.id)).toThrow(NotFoundError);
    expect(registry.get(open.id, 'key-b')).toBe(open);
    expect(registry.get(open.id)).toBe(open);
    registry.close();
  });

  it('expires sessions idle for ttlMs and touches them on use', () => {
    const clock = manualClock();
    const expired: string[] = [];
    const registry = new SessionRegistry<TtsSession>({
      ttlMs: 1000,
      now: clock.now,
      onExpire: (s) => expired.push(s.id),
    });
    const used = registry.create(opener());
    const idle = registry.create(opener());
    clock.advance(600);
    registry.get(used.id);
    clock.advance(600);
    expect(registry.sweep()).toBe(1);
    expect(expired).toEqual([idle.id]);
    expect(idle.isEnded).toBe(true);
    expect(registry.get(used.id)).toBe(used);
    clock.advance(1000);
    expect(() => registry.get(used.id)).toThrow(NotFoundError); // expired lazily, before any sweep
    expect(registry.size).toBe(0);
    registry.close();
  });

  it('does not expire a session with work in flight, and counts idleness from when it ended', async () => {
    const clock = manualClock();
    const registry = new SessionRegistry<TtsSession>({ ttlMs: 1000, now: clock.now });
    const engine = new FakeEngine();
    const session = registry.create(
      () => new TtsSession(engine, { modelId: 'kitten-tts-nano', voice: 'Bella' }),
    );
    session.pushText('A long synthesis.', { flush: true });
    await new Promise((r) => setImmediate(r));
    clock.advance(5000);
    expect(registry.sweep()).toBe(0);
    engine.calls[0]!.complete();
    await new Promise((r) => setImmediate(r));
    clock.advance(999);
    expect(registry.sweep()).toBe(0);
    clock.advance(1);
    expect(registry.sweep()).toBe(1);
    registry.close();
  });

  it('expires an idle session even while a subscriber is attached to it', async () => {
    const clock = manualClock();
    const registry = new SessionRegistry<TtsSession>({ ttlMs: 1000, now: clock.now });
    const session = registry.create(opener());
    const it = session[Symbol.asyncIterator](); // an attached SSE subscriber that only listens
    const ended = it.next();
    clock.advance(1000);
    expect(registry.sweep()).toBe(1);
    expect(await ended).toEqual({ done: true, value: undefined }); // the subscriber is told
  });

  it('leaves the idle timeout of a session created with expires: false to its door, counting it for the cap', () => {
    const clock = manualClock();
    const registry = new SessionRegistry<TtsSession>({
      ttlMs: 1000,
      maxSessions: 1,
      now: clock.now,
    });
    registry.create(opener(), { expires: false });
    clock.advance(60_000);
    expect(registry.sweep()).toBe(0);
    expect(() => registry.create(opener())).toThrow(TooManySessionsError);
    registry.close();
  });

  it('says in Retry-After when the oldest idle session will expire, not the whole idle timeout', () => {
    const clock = manualClock();
    const registry = new SessionRegistry<TtsSession>({
      ttlMs: 60_000,
      maxSessions: 2,
      now: clock.now,
    });
    const idle = registry.create(opener());
    clock.advance(45_000);
    registry.create(opener());
    try {
      registry.create(opener());
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ status: 429, retryAfterS: 15 });
    }
    registry.get(idle.id); // used again
    clock.advance(10_000); // both were used 10 s ago now: 50 s until either expires
    expect(() => registry.create(opener())).toThrow(expect.objectContaining({ retryAfterS: 50 }));
    registry.close();
  });

  it('expires idle sessions on its own timer', async () => {
    const expired: string[] = [];
    const registry = new SessionRegistry<TtsSession>({
      ttlMs: 40,
      onExpire: (s) => expired.push(s.id),
    });
    const session = registry.create(opener());
    await new Promise((r) => setTimeout(r, 150));
    expect(expired).toEqual([session.id]);
    expect(registry.size).toBe(0);
  });

  it('refuses sessions beyond maxSessions with a 429 carrying retryAfterS', () => {
    const clock = manualClock();
    const registry = new SessionRegistry<TtsSession>({
      ttlMs: 10_000,
      maxSessions: 2,
      now: clock.now,
    });
    const first = registry.create(opener());
    clock.advance(2500);
    registry.create(opener());
    let opened = 0;
    const counting = () => {
      opened++;
      return opener()();
    };
    try {
      registry.create(counting);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(TooManySessionsError);
      expect((err as TooManySessionsError).status).toBe(429);
      expect((err as TooManySessionsError).retryAfterS).toBe(8); // the first one idles out in 7.5 s
    }
    expect(opened).toBe(0); // no lane was taken for a refused session
    registry.delete(first.id);
    registry.create(counting);
    expect(opened).toBe(1);
    // Expired sessions make room at once (both idle ones go, the new one stays).
    clock.advance(10_000);
    registry.create(counting);
    expect(registry.size).toBe(1);
    registry.close();
  });

  it('close ends every session and refuses new ones', () => {
    const lanes: FakeEngine[] = [];
    const registry = new SessionRegistry();
    const sessions = [registry.create(opener(lanes)), registry.create(opener(lanes))];
    registry.close();
    expect(registry.size).toBe(0);
    expect(sessions.every((s) => s.isEnded)).toBe(true);
    expect(lanes.map((l) => l.closed)).toEqual([1, 1]);
    expect(() => registry.create(opener())).toThrow(ShuttingDownError);
  });

  it('leaves nothing behind after 1,000 create/delete cycles', async () => {
    // Unref'd timers do not show in process.getActiveResourcesInfo(): watch the calls instead.
    const created = new Set<unknown>();
    const cleared = new Set<unknown>();
    const realSet = globalThis.setInterval;
    const realClear = globalThis.clearInterval;
    const setSpy = vi.spyOn(globalThis, 'setInterval').mockImplementation(((
      fn: () => void,
      ms: number,
    ) => {
      const t = realSet(fn, ms);
      created.add(t);
      return t;
    }) as typeof setInterval);
    const clearSpy = vi.spyOn(globalThis, 'clearInterval').mockImplementation(((
      t: NodeJS.Timeout,
    ) => {
      cleared.add(t);
      realClear(t);
    }) as typeof clearInterval);
    try {
      const lanes: FakeEngine[] = [];
      const registry = new SessionRegistry<TtsSession>({ ttlMs: 60_000, maxSessions: 3 });
      for (let i = 0; i < 1000; i++) {
        const session = registry.create(opener(lanes));
        session.pushText(`Sentence ${i}. More`);
        if (i % 2 === 0) await session.collect(session.pushText('', { flush: true }));
        expect(registry.delete(session.id)).toBe(true);
      }
      await new Promise((r) => setTimeout(r, 20)); // let the fake lanes' own timers run out
      expect(registry.size).toBe(0);
      expect(lanes).toHaveLength(1000);
      expect(lanes.every((l) => l.closed === 1 && l.active === 0)).toBe(true);
      expect(created.size).toBeGreaterThan(0);
      expect([...created].every((t) => cleared.has(t))).toBe(true);
    } finally {
      setSpy.mockRestore();
      clearSpy.mockRestore();
    }
  });
});
