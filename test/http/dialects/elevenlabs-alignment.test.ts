// alignmentOf: ElevenLabs' per-character timing derived from our word timestamps.
import { describe, expect, it } from 'vitest';
import { alignmentOf } from '../../../src/http/dialects/elevenlabs-alignment.js';

describe('alignmentOf', () => {
  it('spreads a word evenly over its span and the gaps over the silence between words', () => {
    const words = [
      { text: 'Hi', start: 0.1, end: 0.3, chars: [0, 2] as [number, number] },
      { text: 'you', start: 0.4, end: 0.7, chars: [3, 6] as [number, number] },
    ];
    const a = alignmentOf('Hi you.', words, 1);
    expect(a.chars).toEqual(['H', 'i', ' ', 'y', 'o', 'u', '.']);
    expect(a.charStartTimesMs).toEqual([100, 200, 300, 400, 500, 600, 700]);
    expect(a.charDurationsMs).toEqual([100, 100, 100, 100, 100, 100, 300]);
  });

  it('times words said as one as one span, never going back in time', () => {
    const shared = { start: 0.2, end: 0.6 };
    const words = [
      { text: 'New', ...shared, chars: [0, 3] as [number, number], shared: 0 },
      { text: 'York', ...shared, chars: [4, 8] as [number, number], shared: 0 },
    ];
    const a = alignmentOf('New York', words, 0.8);
    for (let i = 1; i < a.chars.length; i++) {
      expect(a.charStartTimesMs[i]).toBe(a.charStartTimesMs[i - 1]! + a.charDurationsMs[i - 1]!);
    }
    expect(a.charStartTimesMs[0]).toBe(200);
    expect(a.charStartTimesMs.at(-1)! + a.charDurationsMs.at(-1)!).toBe(800);
  });

  it('keeps every character inside the audio when words run past its end', () => {
    const words = [{ text: 'Long', start: 0, end: 2, chars: [0, 4] as [number, number] }];
    const a = alignmentOf('Long', words, 0.5);
    expect(a.charStartTimesMs.at(-1)! + a.charDurationsMs.at(-1)!).toBeLessThanOrEqual(500);
  });
});
