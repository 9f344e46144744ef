import { describe, expect, it } from 'vitest';
import type { Synthesis } from '../../src/engine/engine.js';
import { audioEventOf, deliveredOf } from '../../src/session/session-events.js';

const span = (text: string, from: number, startSample: number) => ({
  text,
  from,
  to: from + text.length,
  startSample,
  endSample: startSample + 2400,
});

function synthesis(): Synthesis {
  const words = [span('hello', 0, 0), span('there', 6, 4800)];
  return {
    samples: new Float32Array(9600),
    sampleRateHz: 24000,
    durationS: 0.4,
    chunks: [{ text: 'hello there', samples: 9600, words }],
    timings: { loadS: 0, generationS: 0, frontendS: 0, inferenceS: 0, queueS: 0 },
  } as Synthesis;
}

describe('audio events', () => {
  it('times the words once, when first asked for, and gives the same list after', () => {
    const ev = audioEventOf(0, 'Hello there.', synthesis());
    expect(ev.words).toBe(ev.words);
    expect(ev.words).toEqual([
      { text: 'hello', start: 0, end: 0.1, chars: [0, 5] },
      { text: 'there', start: 0.2, end: 0.3, chars: [6, 11] },
    ]);
  });

  it('keeps for a barge-in the text, the duration, the same words and their count', () => {
    const ev = audioEventOf(0, 'Hello there.', synthesis());
    const { audio, wordCount } = deliveredOf(ev);
    expect(wordCount).toBe(2);
    expect(Object.keys(audio).sort()).toEqual(['durationS', 'text', 'words']);
    expect(audio.words).toBe(ev.words);
  });
});
