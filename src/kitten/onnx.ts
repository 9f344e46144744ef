// The only importer of onnxruntime-node. Wraps one KittenTTS ONNX session behind the contract the
// pipeline needs (input_ids, style, speed → waveform, duration). session.run() blocks its thread:
// this module is used inside worker threads only.
import * as ort from 'onnxruntime-node';

export interface TtsModelOutput {
  waveform: Float32Array;
  durations: BigInt64Array | null;
}

export interface OnnxTtsModel {
  readonly inputNames: readonly string[];
  run(inputIds: readonly number[], style: Float32Array, speed: number): Promise<TtsModelOutput>;
  release(): Promise<void>;
}

const REQUIRED_INPUTS = ['input_ids', 'style', 'speed'] as const;

export async function loadOnnxTtsModel(modelPath: string, options: { intraOpThreads?: number } = {}): Promise<OnnxTtsModel> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelPath, {
      intraOpNumThreads: options.intraOpThreads ?? 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      executionProviders: ['cpu'],
    });
  } catch (err) {
    throw new Error(`cannot load ONNX model ${modelPath}: ${(err as Error).message}`);
  }
  const missing = REQUIRED_INPUTS.filter((n) => !session.inputNames.includes(n));
  if (missing.length > 0 || session.outputNames.length === 0) {
    await session.release();
    throw new Error(
      `${modelPath} is not a KittenTTS model: inputs [${session.inputNames.join(', ')}], expected input_ids, style, speed`,
    );
  }
  const waveformName = session.outputNames.includes('waveform') ? 'waveform' : session.outputNames[0]!;
  const durationName = session.outputNames.includes('duration') ? 'duration' : undefined;

  return {
    inputNames: session.inputNames,
    async run(inputIds, style, speed) {
      const ids = BigInt64Array.from(inputIds, (v) => BigInt(v));
      const feeds = {
        input_ids: new ort.Tensor('int64', ids, [1, ids.length]),
        style: new ort.Tensor('float32', style, [1, style.length]),
        speed: new ort.Tensor('float32', Float32Array.of(speed), [1]),
      };
      const out = await session.run(feeds);
      const wave = out[waveformName];
      if (!wave || wave.type !== 'float32') throw new Error(`model returned no float32 '${waveformName}' output`);
      const dur = durationName ? out[durationName] : undefined;
      return {
        waveform: wave.data as Float32Array,
        durations: dur && dur.type === 'int64' ? (dur.data as BigInt64Array) : null,
      };
    },
    release: () => session.release(),
  };
}
