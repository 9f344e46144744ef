import { describe, expect, it } from 'vitest';
import { RealtimeAdmission, TooManyRealtimeSessionsError } from '../../src/session/admission.js';

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('RealtimeAdmission', () => {
  it('admits as many live sessions as the workers make audio seconds per second, and refuses the next', () => {
    const admission = new RealtimeAdmission({
      maxRealtimeSessions: 0,
      measuredAudioSPerS: () => 3.7,
      minSessions: 1,
    });
    const releases = [admission.admit(), admission.admit(), admission.admit()];
    expect(() => admission.admit()).toThrow(TooManyRealtimeSessionsError);
    releases[0]!();
    expect(() => admission.admit()).not.toThrow();
  });

  it('refuses nothing before any speed was measured, and never caps below its minimum', () => {
    let speed: number | undefined = undefined;
    const admission = new RealtimeAdmission({
      maxRealtimeSessions: 0,
      measuredAudioSPerS: () => speed,
      minSessions: 2,
    });
    for (let i = 0; i < 50; i++) admission.admit();
    expect(admission.cap()).toBe(Infinity);
    speed = 0.4; // a machine far too slow for real time still serves one listener per worker
    expect(admission.cap()).toBe(2);
  });

  it('uses the fixed cap when one is set', () => {
    const admission = new RealtimeAdmission({
      maxRealtimeSessions: 1,
      measuredAudioSPerS: () => 100,
      minSessions: 1,
    });
    admission.admit();
    expect(() => admission.admit()).toThrow(/1 live streaming sessions/);
  });

  it('answers 429 with a Retry-After from how long sessions have been lasting', () => {
    const c = clock();
    const admission = new RealtimeAdmission({
      maxRealtimeSessions: 2,
      measuredAudioSPerS: () => 10,
      minSessions: 1,
      now: c.now,
    });
    const first = admission.admit();
    c.advance(40_000);
    first(); // sessions last about 40 s
    admission.admit();
    admission.admit();
    try {
      admission.admit();
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ status: 429, retryAfterS: 20 }); // 40 s ÷ 2 live sessions
    }
  });

  it('releases a slot once however often its release is called', () => {
    const admission = new RealtimeAdmission({
      maxRealtimeSessions: 1,
      measuredAudioSPerS: () => 1,
      minSessions: 1,
    });
    const release = admission.admit();
    release();
    release();
    expect(admission.liveSessions).toBe(0);
  });
});
