import { describe, expect, it } from 'vitest';
import { splitTurn, type DeliveredAudio } from '../../src/session/barge-in.js';

/** A sentence whose words each last one second, in order. */
function audio(text: string): DeliveredAudio {
  const words = [...text.matchAll(/[\w$]+/g)].map((m, i) => ({
    text: m[0].toLowerCase(),
    start: i,
    end: i + 1,
    chars: [m.index, m.index + m[0].length] as [number, number],
  }));
  return { text, durationS: words.length, words };
}

describe('splitTurn', () => {
  it('cuts after the last word heard in full, the rest of the turn after it', () => {
    const split = splitTurn([audio('One two three.'), audio('Four five six.')], ['Seven.'], 4.5);
    expect(split).toEqual({ spokenText: 'One two three. Four', unspokenText: 'five six. Seven.' });
  });

  it('counts everything delivered as heard without played_s', () => {
    expect(splitTurn([audio('One two.')], ['Three.', 'four'])).toEqual({
      spokenText: 'One two.',
      unspokenText: 'Three. four',
    });
  });

  it('never cuts inside a source a later word still comes from', () => {
    const expanded: DeliveredAudio = {
      text: 'Pay $5 now.',
      durationS: 4,
      words: [
        { text: 'pay', start: 0, end: 1, chars: [0, 3] },
        { text: 'five', start: 1, end: 2, chars: [4, 6] },
        { text: 'dollars', start: 2, end: 3, chars: [4, 6] },
        { text: 'now', start: 3, end: 4, chars: [7, 10] },
      ],
    };
    expect(splitTurn([expanded], [], 2.5).spokenText).toBe('Pay');
    expect(splitTurn([expanded], [], 3.5).spokenText).toBe('Pay $5');
  });

  it('says nothing was spoken at 0 s', () => {
    expect(splitTurn([audio('One two.')], [''], 0)).toEqual({
      spokenText: '',
      unspokenText: 'One two.',
    });
  });
});
