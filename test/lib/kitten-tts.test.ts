import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KittenTTS } from '../../src/index.js';
import { TINY_DIR, parseWav } from '../helpers/gateway.js';

const TRIM = 5000;
let tts: KittenTTS;
let cacheDir: string;

beforeAll(async () => {
  cacheDir = mkdtempSync(path.join(os.tmpdir(), 'kitten-lib-'));
  tts = await KittenTTS.load(TINY_DIR, { cacheDir, offline: true, workers: 2 });
});
afterAll(async () => {
  await tts?.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

/** Samples before upstream's 5000-sample trim: must be whole 600-sample frames. */
const untrimmed = (samples: Float32Array, chunks = 1) => samples.length + TRIM * chunks;

describe('KittenTTS library', () => {
  it('generates float32 audio that obeys the length law and the per-chunk trim', async () => {
    const audio = await tts.generate('Hello world! This is a test.', { voice: 'Jasper' });
    expect(audio).toBeInstanceOf(Float32Array);
    expect(untrimmed(audio, 2) % 600).toBe(0);
    expect(audio.every(Number.isFinite)).toBe(true);
  });

  it('scales the length with speed', async () => {
    const text = 'The quick brown fox jumps over the lazy dog near the river bank.';
    const [slow, normal, fast] = await Promise.all(
      [0.5, 1, 2].map((speed) => tts.generate(text, { voice: 'Leo', speed })),
    );
    const ratio = (a: Float32Array, b: Float32Array) => untrimmed(a) / untrimmed(b);
    expect(ratio(slow!, normal!)).toBeGreaterThan(1.7);
    expect(ratio(slow!, normal!)).toBeLessThan(2.3);
    expect(ratio(normal!, fast!)).toBeGreaterThan(1.5);
  });

  it('accepts the eight names and their expr-voice keys, which resolve to the same voice', async () => {
    const pairs: Array<[string, string]> = [
      ['Bella', 'expr-voice-2-f'],
      ['Jasper', 'expr-voice-2-m'],
      ['Luna', 'expr-voice-3-f'],
      ['Bruno', 'expr-voice-3-m'],
      ['Rosie', 'expr-voice-4-f'],
      ['Hugo', 'expr-voice-4-m'],
      ['Kiki', 'expr-voice-5-f'],
      ['Leo', 'expr-voice-5-m'],
    ];
    expect(tts.availableVoices).toEqual(pairs.map(([name]) => name));
    for (const [name, key] of pairs) {
      const [a, b] = await Promise.all([
        tts.generate('Same words.', { voice: name }),
        tts.generate('Same words.', { voice: key }),
      ]);
      expect(Buffer.from(a!.buffer).equals(Buffer.from(b!.buffer))).toBe(true);
    }
  });

  it('feeds the voice style row to the model', async () => {
    const [bella, jasper] = await Promise.all([
      tts.generate('Same words.', { voice: 'Bella' }),
      tts.generate('Same words.', { voice: 'Jasper' }),
    ]);
    expect(Buffer.from(bella.buffer).equals(Buffer.from(jasper.buffer))).toBe(false);
    // Same tokens, different chunk length (a doubled space): a different style row, so different audio.
    const [one, two] = await Promise.all([
      tts.generate('Hello world.', { normalize: false }),
      tts.generate('Hello  world.', { normalize: false }),
    ]);
    expect(one.length).toBe(two.length);
    expect(Buffer.from(one.buffer).equals(Buffer.from(two.buffer))).toBe(false);
  });

  it('applies the per-voice speed prior (Hugo 0.9, the others 0.8)', async () => {
    const text =
      'A sentence long enough for the duration rounding to average out over many tokens.';
    const [bella, hugo] = await Promise.all([
      tts.generate(text, { voice: 'Bella' }),
      tts.generate(text, { voice: 'Hugo' }),
    ]);
    expect(untrimmed(hugo)).toBeLessThan(untrimmed(bella));
  });

  it('times each word of the audio generate makes with generateWithTimestamps', async () => {
    const text = 'Hello world! This is a test.';
    const [plain, timed] = await Promise.all([
      tts.generate(text, { voice: 'Jasper' }),
      tts.generateWithTimestamps(text, { voice: 'Jasper' }),
    ]);
    expect(Buffer.from(timed.samples.buffer).equals(Buffer.from(plain.buffer))).toBe(true);
    expect(timed.words.map((w) => w.text)).toEqual(['hello', 'world', 'this', 'is', 'a', 'test']);
    expect(timed.words.map((w) => text.slice(...w.chars!))).toEqual(['Hello', 'world', 'This', 'is', 'a', 'test']); // prettier-ignore
    for (const [i, w] of timed.words.entries())
      expect(w.start).toBeGreaterThanOrEqual(timed.words[i - 1]?.end ?? 0);
    expect(timed.words.at(-1)!.end).toBeLessThanOrEqual(timed.samples.length / 24000);
  });

  it('moves the times with the speed and the voice speed prior as the audio moves', async () => {
    const text = 'The quick brown fox jumps over the lazy dog.';
    const runs = await Promise.all(
      [
        ['Jasper', 0.5],
        ['Jasper', 1],
        ['Jasper', 2],
        ['Hugo', 1],
      ].map(([voice, speed]) =>
        tts.generateWithTimestamps(text, { voice: voice as string, speed: speed as number }),
      ),
    );
    const [slow, normal, fast, hugo] = runs as [(typeof runs)[0], (typeof runs)[0], (typeof runs)[0], (typeof runs)[0]]; // prettier-ignore
    for (const [i, w] of normal.words.entries()) {
      expect(slow.words[i]!.end).toBeGreaterThan(w.end);
      expect(fast.words[i]!.end).toBeLessThan(w.end);
    }
    // Hugo's prior (0.9) against Jasper's (0.8): the words end earlier exactly when the audio does.
    const lastEnd = (r: typeof normal) => r.words.at(-1)!.end;
    expect(Math.sign(lastEnd(hugo) - lastEnd(normal))).toBe(
      Math.sign(hugo.samples.length - normal.samples.length),
    );
  });

  it('rejects an unknown voice and an unknown model clearly', async () => {
    await expect(tts.generate('Hi.', { voice: 'Nobody' })).rejects.toThrow(/Nobody/);
    await expect(KittenTTS.load('kitten-tts-mini', { cacheDir, offline: true })).rejects.toThrow(
      /kitten-tts-mini|KittenML/,
    );
  });

  it('synthesizes 5,000 characters of text', async () => {
    const text = 'This is a long passage of text that keeps going. '.repeat(100);
    const audio = await tts.generate(text.slice(0, 5000));
    expect(audio.length).toBeGreaterThan(24000 * 60);
  });

  it('writes a 16-bit 24 kHz WAV file', async () => {
    const out = path.join(cacheDir, 'out.wav');
    await tts.generateToFile('Saved to a file.', out, { voice: 'Kiki' });
    const wav = parseWav(readFileSync(out));
    expect(wav).toMatchObject({ sampleRate: 24000, channels: 1, bitsPerSample: 16 });
    expect(wav.samples.length).toBeGreaterThan(0);
  });

  it('streams: audio for a sentence as soon as it is complete, the rest on flush', async () => {
    const streamer = tts.createStreamer({ voice: 'Jasper' });
    const got: number[] = [];
    for (const token of ['Hello', ' there', '! How', ' are', ' you', ' today', '?']) {
      for await (const chunk of streamer.addText(token)) got.push(chunk.length);
    }
    expect(got).toHaveLength(1);
    expect(streamer.bufferedText.trim()).toBe('How are you today?');
    for await (const chunk of streamer.flush()) got.push(chunk.length);
    expect(got).toHaveLength(2);
    expect(streamer.bufferedText).toBe('');
    streamer.close();
  });

  it('keeps the event loop responsive during a long synthesis', async () => {
    const lags: number[] = [];
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      lags.push(now - last - 5);
      last = now;
    }, 5);
    await tts.generate('This sentence keeps a worker busy. '.repeat(60));
    clearInterval(timer);
    lags.sort((a, b) => a - b);
    const p99 = lags[Math.floor(lags.length * 0.99)] ?? 0;
    expect(lags.length).toBeGreaterThan(5);
    expect(p99).toBeLessThan(50);
  });
});
