import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOnnxTtsModel } from '../../src/kitten/onnx.js';
import { GraphBuilder } from '../../src/standin/graph-builder.js';
import { DataType } from '../../src/standin/onnx-writer.js';

// The tiny stand-in built by test/global-setup.ts.
const TINY_MODEL = path.resolve('.standin', 'tiny', 'kitten_tts_nano_v0_8.onnx');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'onnx-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function writeModel(name: string, build: (g: GraphBuilder) => void): string {
  const g = new GraphBuilder({ seed: 1 });
  build(g);
  const file = path.join(tmp, name);
  writeFileSync(file, g.encode('test'));
  return file;
}

/** A well-formed graph with KittenTTS-like names and the given input_ids type. */
function kittenLike(g: GraphBuilder, idsType: number = DataType.INT64): void {
  const ids = g.input('input_ids', idsType, [1, 'T']);
  const style = g.input('style', DataType.FLOAT, [1, 256]);
  g.input('speed', DataType.FLOAT, [1]);
  g.opInto('Identity', [style], 'waveform');
  g.opInto('Identity', [ids], 'duration');
  g.output('waveform', DataType.FLOAT, [1, 256]);
  g.output('duration', idsType, [1, 'T']);
}

describe('loadOnnxTtsModel', () => {
  it('loads the stand-in and runs it under the KittenTTS contract', async () => {
    const model = await loadOnnxTtsModel(TINY_MODEL, { intraOpThreads: 1 });
    try {
      expect([...model.inputNames].sort()).toEqual(['input_ids', 'speed', 'style']);
      const ids = [0, 50, 83, 156, 102, 16, 72, 4, 10, 0];
      const style = Float32Array.from({ length: 256 }, (_, i) => Math.cos(i) * 0.3);
      const out = await model.run(ids, style, Math.fround(0.8));
      expect(out.durations).toBeInstanceOf(BigInt64Array);
      expect(out.durations).toHaveLength(ids.length);
      expect(out.waveform).toBeInstanceOf(Float32Array);
      expect(out.waveform.length).toBe(600 * Number(out.durations!.reduce((a, b) => a + b, 0n)));
    } finally {
      await model.release();
    }
  });

  it('makes the same audio without the CPU memory arena, for lengths in any order', async () => {
    const style = Float32Array.from({ length: 256 }, (_, i) => Math.sin(i) * 0.3);
    const inputs = [40, 8, 120, 8].map((n) => Array.from({ length: n }, (_, i) => (i * 13) % 170));
    const runAll = async (cpuMemArena: boolean) => {
      const model = await loadOnnxTtsModel(TINY_MODEL, { intraOpThreads: 1, cpuMemArena });
      try {
        const outs: Buffer[] = [];
        for (const ids of inputs) {
          const out = await model.run(ids, style, 1);
          outs.push(
            Buffer.from(out.waveform.buffer, out.waveform.byteOffset, out.waveform.byteLength),
          );
        }
        return outs;
      } finally {
        await model.release();
      }
    };
    const [withArena, without] = [await runAll(true), await runAll(false)];
    expect(without.map((b) => b.length)).toEqual(withArena.map((b) => b.length));
    without.forEach((b, i) => expect(b.equals(withArena[i]!)).toBe(true));
  });

  it('runs with two intra-op threads that do not spin, to the same audio as one thread', async () => {
    const ids = [0, 50, 83, 156, 102, 16, 72, 4, 10, 0];
    const style = Float32Array.from({ length: 256 }, (_, i) => Math.sin(i) * 0.3);
    const outputs = [];
    for (const intraOpThreads of [1, 2]) {
      const model = await loadOnnxTtsModel(TINY_MODEL, { intraOpThreads });
      try {
        outputs.push((await model.run(ids, style, 1)).waveform.length);
      } finally {
        await model.release();
      }
    }
    expect(outputs[1]).toBe(outputs[0]);
  });

  it('refuses bad arguments before running', async () => {
    const model = await loadOnnxTtsModel(TINY_MODEL);
    try {
      await expect(model.run([0, 10, 0], new Float32Array(128), 1)).rejects.toThrow(
        /style has 128 values, expected 256/,
      );
      await expect(model.run([], new Float32Array(256), 1)).rejects.toThrow(/input_ids is empty/);
      await expect(model.run([0, 1.5, 0], new Float32Array(256), 1)).rejects.toThrow(/non-integer/);
      await expect(model.run([0, 10, 0], new Float32Array(256), 0)).rejects.toThrow(/speed/);
    } finally {
      await model.release();
    }
  });

  it('names the file and the runtime message for a truncated model', async () => {
    const file = path.join(tmp, 'truncated.onnx');
    writeFileSync(file, readFileSync(TINY_MODEL).subarray(0, 50_000));
    await expect(loadOnnxTtsModel(file)).rejects.toThrow(
      new RegExp(`^cannot load model ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .+`),
    );
  });

  it('fails clearly on a file that is not ONNX at all, or missing', async () => {
    const file = path.join(tmp, 'garbage.onnx');
    writeFileSync(file, 'this is not a protobuf, just text\n'.repeat(20));
    await expect(loadOnnxTtsModel(file)).rejects.toThrow(/^cannot load model .*garbage\.onnx: /);
    await expect(loadOnnxTtsModel(path.join(tmp, 'absent.onnx'))).rejects.toThrow(
      /^cannot load model .*absent\.onnx: /,
    );
  });

  it('rejects a valid ONNX graph without the KittenTTS inputs', async () => {
    const file = writeModel('other.onnx', (g) => {
      g.opInto('Identity', [g.input('x', DataType.FLOAT, [1, 4])], 'y');
      g.output('y', DataType.FLOAT, [1, 4]);
    });
    await expect(loadOnnxTtsModel(file)).rejects.toThrow(
      /is not a KittenTTS model: it has no 'input_ids' input \(inputs: x\)/,
    );
  });

  it('rejects inputs and outputs of the wrong type', async () => {
    await expect(
      loadOnnxTtsModel(writeModel('float-ids.onnx', (g) => kittenLike(g, DataType.FLOAT))),
    ).rejects.toThrow(/input 'input_ids' is float32, expected int64/);
    const int32Duration = writeModel('int32-duration.onnx', (g) => {
      kittenLike(g);
      g.outputs[1] = { name: 'duration', elemType: DataType.INT32, shape: [1, 'T'] };
      g.nodes[1] = {
        opType: 'Cast',
        inputs: ['input_ids'],
        outputs: ['duration'],
        attributes: { to: DataType.INT32 },
      };
    });
    await expect(loadOnnxTtsModel(int32Duration)).rejects.toThrow(
      /output 'duration' is int32, expected int64/,
    );
  });

  it('accepts a graph with the contract names', async () => {
    const model = await loadOnnxTtsModel(writeModel('minimal.onnx', (g) => kittenLike(g)));
    try {
      const style = Float32Array.from({ length: 256 }, (_, i) => i);
      const out = await model.run([0, 10, 0], style, 1);
      expect(out.waveform).toEqual(style);
      expect([...out.durations!]).toEqual([0n, 10n, 0n]);
    } finally {
      await model.release();
    }
  });
});
