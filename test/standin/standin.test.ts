import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpz } from '../../src/kitten/npz.js';
import { loadOnnxTtsModel, type OnnxTtsModel } from '../../src/kitten/onnx.js';
import { ensureStandinModel, writeStandinModel } from '../../src/standin/standin.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'standin-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const VOICE_KEYS = [
  'expr-voice-2-m',
  'expr-voice-2-f',
  'expr-voice-3-m',
  'expr-voice-3-f',
  'expr-voice-4-m',
  'expr-voice-4-f',
  'expr-voice-5-m',
  'expr-voice-5-f',
];

/** Deterministic token ids in the symbol table's range, wrapped like upstream: [0, …, 10, 0]. */
function tokens(count: number): number[] {
  const inner = Array.from({ length: count - 3 }, (_, i) => 16 + ((i * 37) % 160));
  return [0, ...inner, 10, 0];
}

const sum = (d: BigInt64Array) => Number(d.reduce((a, b) => a + b, 0n));

describe('writeStandinModel (tiny)', () => {
  const dir = path.join(tmp, 'tiny-7');
  let model: OnnxTtsModel;
  let voices: Map<string, { data: Float32Array | Uint8Array }>;
  const style = (key: string, row: number) =>
    (voices.get(key)!.data as Float32Array).slice(row * 256, row * 256 + 256);

  beforeAll(async () => {
    await writeStandinModel(dir, { variant: 'tiny', seed: 7 });
    model = await loadOnnxTtsModel(path.join(dir, 'kitten_tts_nano_v0_8.onnx'));
    voices = readNpz(readFileSync(path.join(dir, 'voices.npz')));
  });
  afterAll(() => model.release());

  it('writes the files of a Hugging Face KittenTTS repo with the real nano 0.8 config', () => {
    const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'));
    expect(config).toEqual({
      name: 'Kitten TTS Nano',
      version: '0.8',
      type: 'ONNX2',
      model: 'kitten-tts-nano-0.8',
      voices: 'voices.npz',
      model_file: 'kitten_tts_nano_v0_8.onnx',
      speed_priors: Object.fromEntries(
        VOICE_KEYS.map((k) => [k, k === 'expr-voice-4-m' ? 0.9 : 0.8]),
      ),
      voice_aliases: {
        Bella: 'expr-voice-2-f',
        Jasper: 'expr-voice-2-m',
        Luna: 'expr-voice-3-f',
        Bruno: 'expr-voice-3-m',
        Rosie: 'expr-voice-4-f',
        Hugo: 'expr-voice-4-m',
        Kiki: 'expr-voice-5-f',
        Leo: 'expr-voice-5-m',
      },
      standin: { variant: 'tiny', seed: 7, note: 'random weights: produces no speech' },
    });
    const onnxBytes = statSync(path.join(dir, config.model_file)).size;
    expect(onnxBytes).toBeGreaterThan(100_000);
    expect(onnxBytes).toBeLessThan(1_500_000);
  });

  it('writes eight (400, 256) float32 voice tables with distinct rows', () => {
    expect([...voices.keys()].sort()).toEqual([...VOICE_KEYS].sort());
    for (const key of VOICE_KEYS) {
      const table = readNpz(readFileSync(path.join(dir, 'voices.npz'))).get(key)!;
      expect(table).toMatchObject({ descr: '<f4', fortranOrder: false, shape: [400, 256] });
      expect((table.data as Float32Array).every(Number.isFinite)).toBe(true);
    }
    expect(style('expr-voice-5-m', 0)).not.toEqual(style('expr-voice-5-m', 1));
    expect(style('expr-voice-5-m', 3)).not.toEqual(style('expr-voice-2-f', 3));
  });

  it('has the KittenTTS inputs and outputs', () => {
    expect([...model.inputNames].sort()).toEqual(['input_ids', 'speed', 'style']);
  });

  it('obeys the length law N = 600 · Σ duration for 3 to 400 tokens', async () => {
    for (const count of [3, 4, 17, 64, 150, 400]) {
      const out = await model.run(tokens(count), style('expr-voice-5-m', Math.min(count, 399)), 1);
      expect(out.durations).toHaveLength(count);
      expect(out.durations!.every((d) => d >= 1n)).toBe(true);
      expect(out.waveform.length).toBe(600 * sum(out.durations!));
      // Random weights give about three frames per token at speed 1.
      expect(sum(out.durations!) / count).toBeGreaterThan(2);
      expect(sum(out.durations!) / count).toBeLessThan(4);
      expect(out.waveform.every(Number.isFinite)).toBe(true);
    }
  });

  it('scales the length with speed', async () => {
    const s = style('expr-voice-4-m', 60);
    const runs = await Promise.all(
      [0.5, 1, 2].map((speed) => model.run(tokens(60), s, Math.fround(speed))),
    );
    for (const out of runs) expect(out.waveform.length).toBe(600 * sum(out.durations!));
    const [slow, normal, fast] = runs.map((out) => out.waveform.length) as [number, number, number];
    const ratioSlow = slow / normal;
    const ratioFast = normal / fast;
    expect(ratioSlow).toBeGreaterThan(1.6);
    expect(ratioSlow).toBeLessThan(2.4);
    expect(ratioFast).toBeGreaterThan(1.4);
    expect(ratioFast).toBeLessThan(2.6);
  });

  it('makes the waveform depend on the style row and repeat for the same inputs', async () => {
    const ids = tokens(40);
    const a = await model.run(ids, style('expr-voice-3-f', 40), 1);
    const again = await model.run(ids, style('expr-voice-3-f', 40), 1);
    const b = await model.run(ids, style('expr-voice-3-f', 41), 1);
    expect(again.waveform).toEqual(a.waveform);
    expect(b.waveform).not.toEqual(a.waveform);
    const n = Math.min(a.waveform.length, b.waveform.length);
    let diff = 0;
    for (let i = 0; i < n; i++) diff += Math.abs(a.waveform[i]! - b.waveform[i]!);
    expect(diff / n).toBeGreaterThan(1e-4);
  });

  it('produces finite, bounded, non-silent audio', async () => {
    const out = await model.run(tokens(120), style('expr-voice-2-m', 120), 0.8);
    expect(out.waveform.every(Number.isFinite)).toBe(true);
    let peak = 0;
    let energy = 0;
    for (const v of out.waveform) {
      peak = Math.max(peak, Math.abs(v));
      energy += v * v;
    }
    expect(peak).toBeLessThan(10);
    expect(Math.sqrt(energy / out.waveform.length)).toBeGreaterThan(1e-3);
  });

  it('synthesizes 30 s of audio in a small fraction of real time', async () => {
    const ids = tokens(400);
    const s = style('expr-voice-5-m', 399);
    await model.run(ids, s, 1); // warm-up: the first run sizes the arena
    const started = performance.now();
    const out = await model.run(ids, s, 1);
    const seconds = (performance.now() - started) / 1000;
    const audioSeconds = out.waveform.length / 24_000;
    expect(audioSeconds).toBeGreaterThan(20);
    // ≈0.01 on an idle 2-core runner; 0.1 leaves room for a loaded machine.
    expect(seconds / audioSeconds).toBeLessThan(0.1);
  });
});

describe('writeStandinModel', () => {
  it('is deterministic per seed', async () => {
    await writeStandinModel(path.join(tmp, 'a'), { variant: 'tiny', seed: 3 });
    await writeStandinModel(path.join(tmp, 'b'), { variant: 'tiny', seed: 3 });
    await writeStandinModel(path.join(tmp, 'c'), { variant: 'tiny', seed: 4 });
    for (const file of ['kitten_tts_nano_v0_8.onnx', 'voices.npz']) {
      const [a, b, c] = ['a', 'b', 'c'].map((d) => readFileSync(path.join(tmp, d, file)));
      expect(a!.equals(b!)).toBe(true);
      expect(a!.equals(c!)).toBe(false);
    }
  });

  it('uses standard ONNX ops only', () => {
    const bytes = readFileSync(path.join(tmp, 'a', 'kitten_tts_nano_v0_8.onnx'));
    expect(bytes.includes('com.microsoft')).toBe(false);
    expect(bytes.includes('DynamicQuantizeLinear')).toBe(false);
  });

  it('rejects an unknown variant and a bad seed', async () => {
    await expect(
      writeStandinModel(path.join(tmp, 'x'), { variant: 'huge' as 'tiny' }),
    ).rejects.toThrow(/unknown stand-in variant 'huge'/);
    await expect(writeStandinModel(path.join(tmp, 'x'), { seed: -1 })).rejects.toThrow(/seed/);
  });
});

describe('ensureStandinModel', () => {
  it('leaves a folder holding the same variant and seed alone and rebuilds otherwise', async () => {
    const dir = path.join(tmp, 'ensure');
    const onnx = path.join(dir, 'kitten_tts_nano_v0_8.onnx');
    await ensureStandinModel(dir, { variant: 'tiny', seed: 5 });
    const first = statSync(onnx).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    await ensureStandinModel(dir, { variant: 'tiny', seed: 5 });
    expect(statSync(onnx).mtimeMs).toBe(first);
    await ensureStandinModel(dir, { variant: 'tiny', seed: 6 });
    expect(statSync(onnx).mtimeMs).not.toBe(first);
    expect(JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')).standin.seed).toBe(6);
  });

  it('rebuilds a folder whose model file was removed', async () => {
    const dir = path.join(tmp, 'ensure-missing');
    await ensureStandinModel(dir, { seed: 2 });
    rmSync(path.join(dir, 'kitten_tts_nano_v0_8.onnx'));
    await ensureStandinModel(dir, { seed: 2 });
    expect(statSync(path.join(dir, 'kitten_tts_nano_v0_8.onnx')).size).toBeGreaterThan(100_000);
  });
});

describe('writeStandinModel (nano-int8)', () => {
  it('writes a quantized model with the same contract and length law', async () => {
    const dir = path.join(tmp, 'int8');
    const info = await writeStandinModel(dir, { variant: 'nano-int8', seed: 1 });
    expect(info.onnxBytes).toBeGreaterThan(15e6);
    expect(info.onnxBytes).toBeLessThan(25e6);
    const bytes = readFileSync(path.join(dir, 'kitten_tts_nano_v0_8.onnx'));
    expect(bytes.includes('ConvInteger')).toBe(true);
    expect(bytes.includes('MatMulInteger')).toBe(true);
    expect(bytes.includes('com.microsoft')).toBe(false);
    const model = await loadOnnxTtsModel(path.join(dir, 'kitten_tts_nano_v0_8.onnx'));
    try {
      const voices = readNpz(readFileSync(path.join(dir, 'voices.npz')));
      const s = (voices.get('expr-voice-2-f')!.data as Float32Array).slice(5 * 256, 6 * 256);
      const out = await model.run(tokens(5), s, 1);
      expect(out.waveform.length).toBe(600 * sum(out.durations!));
      expect(out.waveform.every(Number.isFinite)).toBe(true);
    } finally {
      await model.release();
    }
  }, 120_000);
});
