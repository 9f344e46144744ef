import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentences, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { wsClient } from '../helpers/ws-client.js';

// A cancel on a WebSocket stream in a continuous format (one mp3 / Ogg-Opus / FLAC stream across
// turns): nothing of the cancelled turn comes after `cancelled`, and the bytes received, joined,
// still decode as one valid stream (ffmpeg, errors on), as long as the audio announced.

const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;
let gw: TestGateway;
let dir: string;
beforeAll(async () => {
  gw = await startTestGateway();
  dir = mkdtempSync(path.join(tmpdir(), 'cancel-formats-'));
});
afterAll(async () => {
  await gw?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** ffmpeg's decode of `bytes`: its samples at 24 kHz and whatever it said at level error. */
function decode(bytes: Buffer, name: string): { samples: number; errors: string } {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  const run = spawnSync(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-f', 's16le', '-ac', '1', '-ar', '24000', '-'],
    { maxBuffer: 64 << 20 },
  );
  return {
    samples: (run.stdout as Buffer).length / 2,
    errors: String(run.stderr) + (run.status ? ` (exit ${run.status})` : ''),
  };
}

/** Whether the Ogg pages' sequence numbers run 0, 1, 2… with no page left out. */
function oggPageSequence(bytes: Buffer): string {
  let expected = 0;
  for (let at = bytes.indexOf('OggS'); at >= 0; at = bytes.indexOf('OggS', at + 4)) {
    const seq = bytes.readUInt32LE(at + 18);
    if (seq !== expected) return `page ${seq} where ${expected} was due`;
    expected++;
    at +=
      26 +
      bytes[at + 26]! +
      [...bytes.subarray(at + 27, at + 27 + bytes[at + 26]!)].reduce((a, b) => a + b, 0) -
      4;
  }
  return 'contiguous';
}

describe.skipIf(!hasFfmpeg)('cancel on a continuous-format WebSocket stream', () => {
  for (const format of ['mp3', 'opus', 'flac'] as const) {
    it(`keeps the ${format} stream valid and the cancelled turn out of the next`, async () => {
      const c = wsClient(gw.url, { query: { format } });
      await c.ready;
      // Turns cancelled right as their audio arrives (the pump may be encoding the next chunk).
      const turns = 4;
      for (let turn = 0; turn < turns; turn++) {
        const cancels = c.types().filter((t) => t === 'cancelled').length;
        const frames = c.binary.length;
        c.send({ type: 'text', text: sentences(4, `Turn ${turn} sentence`) });
        c.send({ type: 'flush' });
        await c.until(() => c.binary.length > frames);
        c.send({ type: 'cancel' });
        await c.until(() => c.types().filter((t) => t === 'cancelled').length > cancels);
      }
      c.send({ type: 'text', text: 'After the cancel.' });
      c.send({ type: 'end' });
      await c.closed;
      // Between two `cancelled`, only audio of that turn; after the last, only the new turn.
      let turn = 0;
      for (const m of c.json) {
        if (m.type === 'cancelled') turn++;
        if (m.type !== 'audio') continue;
        const text = turn < turns ? sentences(4, `Turn ${turn} sentence`) : 'After the cancel.';
        expect(text).toContain(String(m.text));
      }
      if (format === 'opus') expect(oggPageSequence(Buffer.concat(c.binary))).toBe('contiguous');
      const { samples, errors } = decode(
        Buffer.concat(c.binary),
        `stream.${format === 'opus' ? 'ogg' : format}`,
      );
      expect(errors).toBe('');
      const announced = c.json
        .filter((m) => m.type === 'audio')
        .reduce((s, m) => s + Math.round(Number(m.duration) * 24000), 0);
      // Within two codec frames (an mp3 frame is 1152 samples; encoder delay and padding).
      expect(Math.abs(samples - announced)).toBeLessThanOrEqual(2 * 1152);
    });
  }
});
