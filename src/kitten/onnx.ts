// The only importer of onnxruntime-node. Wraps one KittenTTS ONNX session behind the graph contract
// (the graphs upstream publishes: input_ids int64 [1,T], style f32 [1,256], speed f32 [1] → waveform f32 [N],
// duration int64 [T]) and refuses, with a message naming the problem, files that do not fit it.
// session.run() blocks its thread for the whole inference: production code calls this from workers.
import * as ort from 'onnxruntime-node';

export interface TtsModelOutput {
  waveform: Float32Array;
  /** Frames per token, when the graph has a `duration` output. */
  durations: BigInt64Array | null;
}

export interface OnnxTtsModel {
  run(inputIds: readonly number[], style: Float32Array, speed: number): Promise<TtsModelOutput>;
  release(): Promise<void>;
  readonly inputNames: readonly string[];
}

export interface LoadOnnxTtsModelOptions {
  /** ONNX Runtime intra-op threads for this session (workers × threads ≤ cores). */
  intraOpThreads?: number;
  /**
   * onnxruntime's CPU memory arena (default on). The arena keeps, for the session's life, the
   * largest working set any run needed; without it each run's tensors go back to the allocator.
   */
  cpuMemArena?: boolean;
  /** Plan each input shape's memory ahead (default off: see loadOnnxTtsModel). */
  memPattern?: boolean;
  /** Session config entries (onnxruntime's `extra`, e.g. `{ session: { ... } }`): benchmarks only. */
  extra?: Record<string, unknown>;
}

const INPUT_TYPES = { input_ids: 'int64', style: 'float32', speed: 'float32' } as const;
const STYLE_DIM = 256;
/** Idle intra-op threads sleep instead of spinning (onnxruntime's session.intra_op.allow_spinning). */
const NO_SPINNING = { session: { intra_op: { allow_spinning: '0' } } };

function typeOf(meta: ort.InferenceSession.ValueMetadata | undefined): string | undefined {
  return meta?.isTensor ? meta.type : undefined;
}

/** What is wrong with the session's inputs/outputs, or null when it matches the contract. */
function contractProblem(session: ort.InferenceSession): string | null {
  const inputs = new Map(session.inputMetadata.map((m) => [m.name, m]));
  for (const [name, type] of Object.entries(INPUT_TYPES)) {
    if (!inputs.has(name))
      return `it has no '${name}' input (inputs: ${session.inputNames.join(', ') || 'none'})`;
    const actual = typeOf(inputs.get(name));
    if (actual !== type) return `input '${name}' is ${actual ?? 'not a tensor'}, expected ${type}`;
  }
  const extra = session.inputNames.filter((n) => !(n in INPUT_TYPES));
  if (extra.length > 0) return `it has inputs the KittenTTS contract lacks: ${extra.join(', ')}`;
  // Python reads outputs[0]; the 0.8 graphs name it `waveform`, which is preferred when present.
  const outputs = session.outputMetadata;
  const waveform = outputs.find((m) => m.name === 'waveform') ?? outputs[0];
  if (!waveform) return 'it has no outputs';
  if (typeOf(waveform) !== 'float32')
    return `output '${waveform.name}' is ${typeOf(waveform) ?? 'not a tensor'}, expected float32 audio`;
  const duration = outputs.find((m) => m.name === 'duration');
  if (duration && typeOf(duration) !== 'int64')
    return `output 'duration' is ${typeOf(duration) ?? 'not a tensor'}, expected int64`;
  return null;
}

export async function loadOnnxTtsModel(
  modelPath: string,
  options: LoadOnnxTtsModelOptions = {},
): Promise<OnnxTtsModel> {
  const intraOpNumThreads = options.intraOpThreads ?? 1;
  if (!Number.isSafeInteger(intraOpNumThreads) || intraOpNumThreads < 1) {
    throw new RangeError(`intraOpThreads must be a positive integer, got ${intraOpNumThreads}`);
  }
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelPath, {
      intraOpNumThreads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      executionProviders: ['cpu'],
      // Without a memory pattern the CPU arena reuses its blocks across input lengths: a worker's
      // memory stays at what its longest chunk needed (≈ 340 MB for 480 tokens of the nano graph)
      // instead of growing when lengths come in mixed order (≈ 610 MB after 200, 300, 400, 480,
      // 100, 480 tokens), at the same speed (measured: bench/README "Memory").
      enableMemPattern: options.memPattern ?? false,
      enableCpuMemArena: options.cpuMemArena ?? true,
      // With several intra-op threads, idle ones must not spin: they would burn the core another
      // worker needs (workers × threads may equal the cores). The Node binding takes config keys
      // as nested objects of strings: session.intra_op.allow_spinning.
      ...(options.extra || intraOpNumThreads > 1
        ? { extra: { ...(intraOpNumThreads > 1 ? NO_SPINNING : {}), ...options.extra } }
        : {}),
    });
  } catch (err) {
    throw new Error(
      `cannot load model ${modelPath}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  const problem = contractProblem(session);
  if (problem !== null) {
    await session.release();
    throw new Error(`${modelPath} is not a KittenTTS model: ${problem}`);
  }
  const waveformName = session.outputNames.includes('waveform')
    ? 'waveform'
    : session.outputNames[0]!;
  const hasDuration = session.outputNames.includes('duration');

  return {
    inputNames: session.inputNames,
    async run(inputIds, style, speed) {
      if (inputIds.length === 0) throw new RangeError('input_ids is empty');
      if (style.length !== STYLE_DIM)
        throw new RangeError(`style has ${style.length} values, expected ${STYLE_DIM}`);
      if (!(Number.isFinite(speed) && speed > 0))
        throw new RangeError(`speed must be a positive number, got ${speed}`);
      const ids = BigInt64Array.from(inputIds, (v) => {
        if (!Number.isSafeInteger(v)) throw new RangeError(`input_ids holds a non-integer: ${v}`);
        return BigInt(v);
      });
      const feeds = {
        input_ids: new ort.Tensor('int64', ids, [1, ids.length]),
        style: new ort.Tensor('float32', style, [1, STYLE_DIM]),
        speed: new ort.Tensor('float32', Float32Array.of(speed), [1]),
      };
      const fetches = hasDuration ? [waveformName, 'duration'] : [waveformName];
      const out = await session.run(feeds, fetches);
      const wave = out[waveformName];
      if (!wave || wave.type !== 'float32')
        throw new Error(`the model returned no float32 '${waveformName}'`);
      const duration = hasDuration ? out.duration : undefined;
      return {
        waveform: wave.data as Float32Array,
        durations: duration?.type === 'int64' ? (duration.data as BigInt64Array) : null,
      };
    },
    release: () => session.release(),
  };
}
