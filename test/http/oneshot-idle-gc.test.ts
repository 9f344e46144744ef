// The one-shot doors tell the idle collector (ops/idle-gc.ts) when a large answer is written, so a
// quiet gateway frees what the answer held; the answers themselves are whole and unchanged.
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWav, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { postJson } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

let gw: TestGateway;
let forced = 0;
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const { kind, flags } = (e as unknown as { detail: { kind: number; flags: number } }).detail;
    const major = kind === constants.NODE_PERFORMANCE_GC_MAJOR;
    if (major && flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) forced += 1;
  }
});

beforeAll(async () => {
  obs.observe({ entryTypes: ['gc'] });
  // 0.25 MB: about 5 s of audio, so these short answers stand for long ones.
  gw = await startTestGateway({ KITTENTTS_IDLE_GC_MB: '0.25' });
});
afterAll(async () => {
  obs.disconnect();
  await gw?.cleanup();
});

/** Sends one answer, checks nothing was collected while it was written, then waits for it. */
async function collectedAfter(send: () => Promise<void>): Promise<void> {
  const before = forced;
  await send();
  expect(forced).toBe(before);
  await waitFor(() => forced > before, 20_000, 'a forced major GC after the answer');
}

const LONG = 'The quick brown fox jumps over the lazy dog, and then it rests. '.repeat(12);

describe('one-shot answers and the idle collector', () => {
  it('/api/generate writes the whole WAV, then the quiet gateway collects once', async () => {
    await collectedAfter(async () => {
      const res = await postJson(`${gw.url}/api/generate`, { text: LONG, voice: 'Jasper' });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(Buffer.byteLength(text)).toBe(Number(res.headers.get('content-length')));
      const json = JSON.parse(text) as {
        audio_base64: string;
        debug_info: { audio_samples: number };
      };
      const wav = parseWav(Buffer.from(json.audio_base64, 'base64'));
      expect(wav.samples.length).toBe(json.debug_info.audio_samples);
      expect(wav.samples.length).toBeGreaterThan(24_000 * 6);
    });
  });

  it('a REST chunk flush returns a WAV per chunk, then the quiet gateway collects once', async () => {
    const start = await fetch(`${gw.url}/api/stream/start?voice=Jasper`, { method: 'POST' });
    const { session_id: id } = (await start.json()) as { session_id: string };
    await collectedAfter(async () => {
      const res = await postJson(`${gw.url}/api/stream/chunk?session_id=${id}`, {
        text: LONG,
        flush: true,
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { audio_chunks: string[]; status: string };
      expect(body.status).toBe('flushed');
      expect(body.audio_chunks.length).toBeGreaterThan(1);
      let samples = 0;
      for (const b64 of body.audio_chunks) {
        const wav = parseWav(Buffer.from(b64, 'base64'));
        expect(wav.samples.length).toBeGreaterThan(0);
        samples += wav.samples.length;
      }
      expect(samples).toBeGreaterThan(24_000 * 6);
    });
    await fetch(`${gw.url}/api/stream/end/${id}`, { method: 'DELETE' });
  });

  for (const format of ['mp3', 'flac', 'pcm'])
    it(`/v1/audio/speech in ${format} is read to its end, then the quiet gateway collects once`, async () => {
      await collectedAfter(async () => {
        const res = await postJson(`${gw.url}/v1/audio/speech`, {
          model: 'kitten-tts-nano',
          voice: 'Jasper',
          input: LONG,
          response_format: format,
        });
        expect(res.status).toBe(200);
        expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(1000);
      });
    });
});
