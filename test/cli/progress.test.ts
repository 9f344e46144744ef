import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressRenderer, formatBytes, formatProgressLine } from '../../src/cli/progress.js';

function sink() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('formatBytes', () => {
  it('uses decimal units with one decimal above a kilobyte', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(56_300_000)).toBe('56.3 MB');
  });
});

describe('formatProgressLine', () => {
  it('draws a bar and a percentage when the size is known', () => {
    const line = formatProgressLine(
      { file: 'voices.npz', receivedBytes: 500, totalBytes: 1000 },
      10,
    );
    expect(line).toBe('voices.npz [#####-----]  50%  500 B / 1.0 kB');
  });

  it('shows only the bytes received when the size is unknown', () => {
    expect(formatProgressLine({ file: 'a.onnx', receivedBytes: 2000, totalBytes: null }, 10)).toBe(
      'a.onnx  2.0 kB',
    );
  });
});

describe('createProgressRenderer', () => {
  it('redraws one line per file on a terminal', () => {
    const out = sink();
    const bar = createProgressRenderer(out.stream, { isTTY: true, barChars: 4 });
    bar.update({ file: 'config.json', receivedBytes: 0, totalBytes: 10 });
    bar.update({ file: 'config.json', receivedBytes: 10, totalBytes: 10 });
    bar.update({ file: 'm.onnx', receivedBytes: 5, totalBytes: 10 });
    bar.finish();
    expect(out.text()).toBe(
      '\rconfig.json [----]   0%  0 B / 10 B' +
        '\rconfig.json [####] 100%  10 B / 10 B\n' +
        '\rm.onnx [##--]  50%  5 B / 10 B\n',
    );
  });

  it('logs plain lines at start, at most once per interval, and at the end without a terminal', () => {
    const out = sink();
    let now = 0;
    const log = createProgressRenderer(out.stream, {
      isTTY: false,
      barChars: 4,
      logIntervalMs: 1000,
      nowMs: () => now,
    });
    log.update({ file: 'm.onnx', receivedBytes: 0, totalBytes: 100 });
    now = 500;
    log.update({ file: 'm.onnx', receivedBytes: 20, totalBytes: 100 });
    now = 1200;
    log.update({ file: 'm.onnx', receivedBytes: 60, totalBytes: 100 });
    log.update({ file: 'm.onnx', receivedBytes: 100, totalBytes: 100 });
    log.update({ file: 'm.onnx', receivedBytes: 100, totalBytes: 100 });
    log.finish();
    expect(out.text()).not.toContain('\r');
    expect(out.text().trimEnd().split('\n')).toEqual([
      'm.onnx [----]   0%  0 B / 100 B',
      'm.onnx [##--]  60%  60 B / 100 B',
      'm.onnx [####] 100%  100 B / 100 B',
    ]);
  });

  it('ends an unfinished file with its last state when finished early', () => {
    const out = sink();
    const log = createProgressRenderer(out.stream, { isTTY: false, barChars: 4, nowMs: () => 0 });
    log.update({ file: 'm.onnx', receivedBytes: 0, totalBytes: 100 });
    log.update({ file: 'm.onnx', receivedBytes: 30, totalBytes: 100 });
    log.finish();
    expect(out.text().trimEnd().split('\n').at(-1)).toBe('m.onnx [#---]  30%  30 B / 100 B');
  });
});
