import { describe, expect, it } from 'vitest';
import { PlaybackClock } from '../../src/session/playback-clock.js';

/** A clock on a time the test moves by hand. */
function clockAt(): { clock: PlaybackClock; at: { ms: number } } {
  const at = { ms: 0 };
  return { clock: new PlaybackClock(() => at.ms), at };
}

describe('PlaybackClock', () => {
  it('counts playback reports in the turn just ended until the next turn’s first audio', () => {
    const { clock } = clockAt();
    clock.delivered(4);
    clock.endTurn();
    clock.reportPlayed(1);
    expect(clock.aheadS()).toBe(3);
    expect(clock.deliveredInTurnS).toBe(4);
  });

  it('counts reports from zero once the next turn’s first audio is delivered', () => {
    const { clock } = clockAt();
    clock.delivered(4);
    clock.endTurn();
    clock.delivered(2);
    expect(clock.deliveredInTurnS).toBe(2);
    clock.reportPlayed(0.5);
    expect(clock.aheadS()).toBe(1.5);
  });
});
