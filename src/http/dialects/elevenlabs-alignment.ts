// ElevenLabs' `alignment` for one chunk, derived from our word timestamps: every character of the
// chunk's text gets a start and a duration in ms from the chunk's own start. Characters inside a
// word are spread evenly over the word's span; characters between words (spaces, punctuation)
// spread evenly over the silence between them (before the first word: from 0; after the last: to
// the end of the audio). Words espeak said as one (a shared span) are timed as one word. Times
// are whole ms, never decreasing, and the last character ends within the audio.
import type { Word } from '../../engine/word-timings.js';

export interface Alignment {
  chars: string[];
  charStartTimesMs: number[];
  charDurationsMs: number[];
}

interface Span {
  from: number;
  to: number;
  startMs: number;
  endMs: number;
}

/** The words with places in the text, in text order, overlapping ones merged into one span. */
function spans(words: readonly Word[], endMs: number): Span[] {
  const out: Span[] = [];
  const placed = words
    .filter((w) => w.chars !== undefined && w.chars[1] > w.chars[0])
    .sort((a, b) => a.chars![0] - b.chars![0]);
  for (const w of placed) {
    const [from, to] = w.chars!;
    const startMs = Math.min(w.start * 1000, endMs);
    const wordEndMs = Math.min(Math.max(w.end * 1000, startMs), endMs);
    const last = out[out.length - 1];
    if (last && (from < last.to || startMs < last.endMs)) {
      last.to = Math.max(last.to, to);
      last.endMs = Math.max(last.endMs, wordEndMs);
    } else {
      out.push({ from, to, startMs, endMs: wordEndMs });
    }
  }
  return out;
}

export function alignmentOf(text: string, words: readonly Word[], durationS: number): Alignment {
  const endMs = Math.floor(durationS * 1000);
  // boundary[i]: when character i starts; boundary[text.length]: when the last one ends.
  const boundary = new Array<number>(text.length + 1).fill(0);
  const spread = (from: number, to: number, startMs: number, stopMs: number) => {
    const step = to > from ? (stopMs - startMs) / (to - from) : 0;
    for (let i = from; i < to; i++) boundary[i] = startMs + (i - from) * step;
  };
  let at = 0;
  let clockMs = 0;
  for (const s of spans(words, endMs)) {
    spread(at, s.from, clockMs, Math.max(clockMs, s.startMs));
    spread(s.from, s.to, Math.max(clockMs, s.startMs), Math.max(clockMs, s.endMs));
    at = s.to;
    clockMs = Math.max(clockMs, s.endMs);
  }
  spread(at, text.length, clockMs, endMs);
  boundary[text.length] = endMs;
  const rounded = boundary.map((b) => Math.min(endMs, Math.round(b)));
  for (let i = 1; i < rounded.length; i++) rounded[i] = Math.max(rounded[i]!, rounded[i - 1]!);
  return byCodePoint(text, rounded);
}

/** One entry per character (a surrogate pair is one, timed from its first code unit). */
function byCodePoint(text: string, rounded: number[]): Alignment {
  const chars: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let unit = 0;
  for (const c of text) {
    chars.push(c);
    starts.push(rounded[unit]!);
    unit += c.length;
    ends.push(rounded[unit]!);
  }
  return { chars, charStartTimesMs: starts, charDurationsMs: ends.map((e, i) => e - starts[i]!) };
}
