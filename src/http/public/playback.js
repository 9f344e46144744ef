// A streamed turn's playback on the Web Audio clock. Chunks start back to back, so playback is
// gapless however they trickle in; a frame loop follows what is actually being heard (currentTime
// less the output latency) to move the playhead, mark the playing word and count the seconds
// heard, which is what a Stop reports as `played_s`.
import { appendChunk, highlightWords } from './captions.js';
import { $ } from './page.js';
import { addChunk, createTimeline, endS, playedS, spanStart, wordAt } from './timeline.js';
import { drawWaveform, peaksOf } from './waveform.js';

/** Scheduling lead: enough to absorb a main-thread hiccup, small enough not to add latency. */
const LEAD_S = 0.05;

/** The context time of the sample leaving the speakers now. */
const heardTimeS = (ctx) => Math.max(0, ctx.currentTime - (ctx.outputLatency || 0));

export function createPlayback(ctx) {
  return {
    ctx,
    timeline: createTimeline(),
    sources: [],
    underruns: 0,
    current: -1,
    /** Each newly marked word, in the order marked, with the position it was marked at. */
    highlights: [],
    drawn: null,
    frame: 0,
    stopped: false,
    onPlayed: null,
  };
}

/** Schedules a decoded chunk right after the previous one and adds it to the timeline. */
export function play(pb, header, buffer) {
  const { ctx, timeline } = pb;
  const nextS = endS(timeline);
  if (nextS > 0 && nextS < ctx.currentTime) pb.underruns++;
  const startS = Math.max(ctx.currentTime + LEAD_S, nextS);
  const source = ctx.createBufferSource();
  source.buffer = buffer;
  source.connect(ctx.destination);
  source.start(startS);
  pb.sources.push(source);
  const words = header.words ?? [];
  appendChunk(header.text, words);
  const peaks = peaksOf(buffer);
  addChunk(timeline, { seq: header.seq, startS, durationS: buffer.duration, words, peaks });
  $('waveform').setAttribute(
    'aria-label',
    `Waveform: ${timeline.chunks.length} chunks, ${timeline.audioS.toFixed(2)} s, ${timeline.words.length} words`,
  );
  pb.frame ||= requestAnimationFrame(() => frame(pb));
}

/** Seconds of this turn's audio heard so far. */
export const heardS = (pb) => playedS(pb.timeline, heardTimeS(pb.ctx));

/** Resolves once everything scheduled so far has been heard. */
export function played(pb) {
  return new Promise((resolve) => {
    pb.onPlayed = resolve;
    pb.frame ||= requestAnimationFrame(() => frame(pb));
  });
}

/** Silences what is playing and scheduled; the view stays as it was at that moment. */
export function silence(pb) {
  pb.stopped = true;
  for (const source of pb.sources) {
    try {
      source.stop();
    } catch {
      // never started or already finished
    }
  }
}

function frame(pb) {
  pb.frame = 0;
  if (pb.stopped) return;
  const positionS = heardS(pb);
  // Nothing is marked before the first sample is heard.
  const index = positionS > 0 ? wordAt(pb.timeline, positionS) : -1;
  if (index !== pb.current) {
    pb.current = index;
    highlightWords(index < 0 ? -1 : spanStart(pb.timeline, index), index);
    if (index >= 0) pb.highlights.push({ index, positionS });
  }
  pb.drawn = drawWaveform($('waveform'), pb.timeline, positionS, index);
  if (heardTimeS(pb.ctx) < endS(pb.timeline)) {
    pb.frame = requestAnimationFrame(() => frame(pb));
    return;
  }
  pb.onPlayed?.();
  pb.onPlayed = null;
}
