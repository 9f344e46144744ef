// The waveform of a streamed turn on a canvas: min/max peaks per column over the turn's audio, a
// dashed line at each chunk boundary, a tick under each word's start, the playing word shaded and
// a playhead. The bottom band holds the word ticks and nothing else, so they can be read back.

const PEAKS_PER_S = 400;
export const TICK_BAND_PX = 10;
const COLORS = {
  background: '#ffffff',
  wave: '#2b5fb0',
  boundary: '#b3261e',
  tick: '#1d2330',
  word: 'rgba(255, 196, 0, 0.35)',
  playhead: '#2e7d4f',
};

/** Min and max of each 1/PEAKS_PER_S s of the first channel: all the drawing needs of the audio. */
export function peaksOf(buffer) {
  const data = buffer.getChannelData(0);
  const bins = Math.max(1, Math.ceil(buffer.duration * PEAKS_PER_S));
  const per = data.length / bins;
  const peaks = new Float32Array(bins * 2);
  for (let b = 0; b < bins; b++) {
    let lo = 0;
    let hi = 0;
    for (let i = Math.floor(b * per); i < Math.floor((b + 1) * per); i++) {
      lo = Math.min(lo, data[i]);
      hi = Math.max(hi, data[i]);
    }
    peaks[2 * b] = lo;
    peaks[2 * b + 1] = hi;
  }
  return peaks;
}

/** Redraws the whole view; returns what it drew, for the page's state. */
export function drawWaveform(canvas, timeline, positionS, current) {
  const g = canvas.getContext('2d');
  const { width, height } = canvas;
  const waveH = height - TICK_BAND_PX - 2;
  const spanS = Math.max(timeline.audioS, 1);
  const x = (s) => (s / spanS) * width;
  g.fillStyle = COLORS.background;
  g.fillRect(0, 0, width, height);
  const word = timeline.words[current];
  if (word) {
    g.fillStyle = COLORS.word;
    g.fillRect(x(word.start), 0, Math.max(1, x(word.end) - x(word.start)), waveH);
  }
  g.fillStyle = COLORS.wave;
  for (const chunk of timeline.chunks) drawPeaks(g, chunk, x, waveH);
  g.strokeStyle = COLORS.boundary;
  g.setLineDash([4, 3]);
  for (const chunk of timeline.chunks.slice(1)) line(g, Math.round(x(chunk.offsetS)) + 0.5, waveH);
  g.setLineDash([]);
  g.fillStyle = COLORS.tick;
  for (const w of timeline.words)
    g.fillRect(Math.round(x(w.start)), height - TICK_BAND_PX, 2, TICK_BAND_PX);
  g.strokeStyle = COLORS.playhead;
  if (positionS > 0) line(g, Math.round(x(positionS)) + 0.5, waveH);
  return { spanS, ticks: timeline.words.length, boundaries: timeline.chunks.length - 1 };
}

function drawPeaks(g, chunk, x, waveH) {
  const { peaks, offsetS, durationS } = chunk;
  const bins = peaks.length / 2;
  const x0 = Math.floor(x(offsetS));
  const x1 = Math.ceil(x(offsetS + durationS));
  const mid = waveH / 2;
  for (let px = x0; px < x1; px++) {
    const from = Math.floor(((px - x0) / (x1 - x0)) * bins);
    const to = Math.max(from + 1, Math.floor(((px + 1 - x0) / (x1 - x0)) * bins));
    let lo = 0;
    let hi = 0;
    for (let b = from; b < Math.min(to, bins); b++) {
      lo = Math.min(lo, peaks[2 * b]);
      hi = Math.max(hi, peaks[2 * b + 1]);
    }
    g.fillRect(px, mid - hi * mid, 1, Math.max(1, (hi - lo) * mid));
  }
}

function line(g, px, h) {
  g.beginPath();
  g.moveTo(px, 0);
  g.lineTo(px, h);
  g.stroke();
}
