// Voice blends through the doors of a real gateway (port 0, the stand-in model in real workers):
// a voice blended with itself is that voice to the sample, a real blend is a third voice, and a
// bad blend is a 400 naming the problem. Wyoming and the library API too.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_DIR, parseWav, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { postJson } from '../helpers/http.js';
import { pcmOf, wyomingClient } from '../helpers/wyoming-client.js';
import { KittenTTS } from '../../src/index.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ KITTENTTS_WYOMING_PORT: '0' });
});
afterAll(async () => {
  await gw?.cleanup();
});

const TEXT = 'Hello there. This is a blend.';

async function generate(voice: string): Promise<Int16Array> {
  const res = await postJson(`${gw.url}/api/generate`, { text: TEXT, voice });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { audio_base64: string };
  return parseWav(Buffer.from(body.audio_base64, 'base64')).samples;
}

async function speech(voice: string): Promise<Buffer> {
  const res = await postJson(`${gw.url}/v1/audio/speech`, {
    model: 'tts-1',
    input: TEXT,
    voice,
    response_format: 'pcm',
  });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

describe('voice blends on /api/generate', () => {
  it('makes the same samples for a voice blended with itself as for the voice', async () => {
    const luna = await generate('Luna');
    expect(await generate('Luna(1)+Luna(1)')).toEqual(luna);
    expect(await generate('expr-voice-3-f(2) + Luna(7)')).toEqual(luna);
  });

  it('makes a third voice from two, the same whatever the order of its parts', async () => {
    const [luna, jasper, blend, swapped] = await Promise.all([
      generate('Luna'),
      generate('Jasper'),
      generate('Luna(2)+Jasper(1)'),
      generate('Jasper(1)+Luna(2)'),
    ]);
    expect(blend).not.toEqual(luna);
    expect(blend).not.toEqual(jasper);
    expect(swapped).toEqual(blend);
  });

  it('answers a bad blend with a 400 naming the problem', async () => {
    for (const [voice, pattern] of [
      ['Luna(2)+Nobody', /Nobody/],
      ['Luna(-1)', /'Luna\(-1\)'/],
      ['Luna(0)+Jasper', /weight of 'Luna'/],
    ] as const) {
      const res = await postJson(`${gw.url}/api/generate`, { text: TEXT, voice });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { detail: string }).detail).toMatch(pattern);
    }
  });
});

describe('voice blends on the other doors', () => {
  it('speaks a blend on /v1/audio/speech, the same as one-shot /api/generate', async () => {
    const pcm = await speech('Luna(2)+Jasper(1)');
    const oneShot = await generate('Luna(2)+Jasper(1)');
    expect(new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength / 2)).toEqual(oneShot);
    expect(await speech('Luna(1)+Luna(1)')).toEqual(await speech('Luna'));
  });

  it('streams a blend over SSE to its done event without an error', async () => {
    const res = await postJson(`${gw.url}/api/generate/stream`, {
      text: TEXT,
      voice: 'Luna(2)+Jasper(1)',
      format: 'pcm',
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/event: done/);
    expect(text).not.toMatch(/event: error/);
  });
});

describe('voice blends in REST streaming sessions', () => {
  it('opens a session whose query writes the blend with a literal +, and speaks it', async () => {
    const start = await postJson(`${gw.url}/api/stream/start?voice=Luna(2)+Jasper(1)`);
    expect(start.status).toBe(200);
    const { session_id: id } = (await start.json()) as { session_id: string };
    const chunk = await postJson(`${gw.url}/api/stream/chunk?session_id=${id}`, {
      text: 'Hello there.',
      flush: true,
    });
    expect(chunk.status).toBe(200);
    await fetch(`${gw.url}/api/stream/end/${id}`, { method: 'DELETE' });
    const bad = await postJson(`${gw.url}/api/stream/start?voice=Luna(2)+Nobody`);
    expect(bad.status).toBe(400);
  });
});

describe('voice blends on Wyoming', () => {
  const speak = async (name: string) => {
    const c = await wyomingClient(gw.wyomingPort!);
    try {
      c.send('synthesize', { text: TEXT, voice: { name } });
      return await c.until('audio-stop');
    } finally {
      c.close();
    }
  };

  it('speaks a voice blended with itself exactly as the voice, and a blend as /api/generate does', async () => {
    expect(pcmOf(await speak('Luna(1)+Luna(1)'))).toEqual(pcmOf(await speak('Luna')));
    expect(pcmOf(await speak('Luna(2)+Jasper(1)'))).toEqual(await generate('Luna(2)+Jasper(1)'));
  });

  it('refuses a bad blend with an error naming the problem', async () => {
    const c = await wyomingClient(gw.wyomingPort!);
    c.send('synthesize', { text: TEXT, voice: { name: 'Luna+Nobody' } });
    const ev = (await c.until('error')).at(-1)!;
    expect(String(ev.data.text)).toMatch(/Nobody/);
    c.close();
  });
});

describe('voice blends in the library', () => {
  it('generates a voice blended with itself exactly as the voice', async () => {
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'kitten-lib-'));
    const tts = await KittenTTS.load(TINY_DIR, { cacheDir, offline: true, workers: 1 });
    try {
      const luna = await tts.generate(TEXT, { voice: 'Luna' });
      expect(await tts.generate(TEXT, { voice: 'Luna(1)+Luna(1)' })).toEqual(luna);
      expect(await tts.generate(TEXT, { voice: 'Luna(2)+Jasper(1)' })).not.toEqual(luna);
    } finally {
      await tts.close();
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
