// One streamed turn as it plays: each chunk's place on the AudioContext clock and on the turn's own
// audio clock (seconds of audio, stalls left out), and its words on that clock. Pure functions over
// plain objects, so the numbers the page shows and the `played_s` it sends come from one place.

export function createTimeline() {
  return { chunks: [], words: [], audioS: 0 };
}

/** A chunk scheduled at `startS` on the context clock; `words` are from the start of its audio. */
export function addChunk(timeline, { seq, startS, durationS, words = [], peaks }) {
  const offsetS = timeline.audioS;
  timeline.chunks.push({ seq, startS, durationS, offsetS, peaks });
  for (const w of words) {
    const start = offsetS + Math.min(w.start, durationS);
    const end = offsetS + Math.min(w.end, durationS);
    timeline.words.push({ text: w.text, start, end, seq });
  }
  timeline.audioS += durationS;
}

/** Seconds of the turn's audio played by context time `nowS`: chunks never overlap on the clock. */
export function playedS(timeline, nowS) {
  let s = 0;
  for (const c of timeline.chunks) s += Math.min(c.durationS, Math.max(0, nowS - c.startS));
  return s;
}

/** The word playing at `positionS` of the turn's audio (the last one started), or -1 before any. */
export function wordAt(timeline, positionS) {
  const { words } = timeline;
  let lo = 0;
  let hi = words.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (words[mid].start <= positionS) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The first word of `index`'s span: words espeak said as one share a span, and are marked together. */
export function spanStart(timeline, index) {
  const { words } = timeline;
  let first = index;
  while (first > 0 && words[first - 1].start === words[index].start) first--;
  return first;
}

/** The chunk that ends last on the context clock: playback is over once the clock passes it. */
export function endS(timeline) {
  const last = timeline.chunks.at(-1);
  return last ? last.startS + last.durationS : 0;
}
