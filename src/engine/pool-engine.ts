// Engine implementation over the worker pool: resolves a model id to local files (download once,
// shared by concurrent callers), then runs the synthesis on a lane. Failures that crossed the
// thread boundary as data are mapped back to GatewayError classes here.
import { errorFromCode } from '../errors.js';
import type { Engine, EngineStats, Lane, Synthesis, SynthesisRequest } from './engine.js';
import type { WorkerPool } from './pool.js';
import { SAMPLE_RATE_HZ, type ModelFiles, type SynthesizeResult } from './protocol.js';

export interface ResolvedModel {
  files: ModelFiles;
  /** Seconds this call spent downloading/resolving (0 when already resolved). */
  loadS: number;
}

export interface PoolEngineOptions {
  pool: WorkerPool;
  /** Model id → local files; must share one download between concurrent callers. */
  resolveModel: (modelId: string) => Promise<ResolvedModel>;
  threadsPerWorker: number;
  /** Called after every successful synthesis (stats, metrics). */
  onSynthesis?: (request: SynthesisRequest, result: Synthesis) => void;
}

export class PoolEngine implements Engine {
  private readonly loadTimes = new Map<string, number>();

  constructor(private readonly options: PoolEngineOptions) {}

  /** Seconds the first successful load of each model took (download + session creation). */
  modelLoadTimes(): Record<string, number> {
    return Object.fromEntries(this.loadTimes);
  }

  loadedModels(): string[] {
    return [...this.loadTimes.keys()];
  }

  synthesize(request: SynthesisRequest): Promise<Synthesis> {
    return this.runOn(undefined, request);
  }

  openLane(): Lane {
    const { pool } = this.options;
    const id = pool.leastLoadedLane();
    pool.pin(id, 1);
    let released = false;
    return {
      id,
      synthesize: (request) => this.runOn(id, request),
      release: () => {
        if (!released) pool.pin(id, -1);
        released = true;
      },
    };
  }

  async ensureModel(modelId: string): Promise<number> {
    const t0 = performance.now();
    const resolved = await this.options.resolveModel(modelId);
    const result = await this.options.pool.run({
      kind: 'load',
      model: resolved.files,
      threads: this.options.threadsPerWorker,
    });
    if (!result.ok) throw errorFromCode(result.code, this.describeLoadFailure(modelId, result.detail, result.code));
    const paid = result.loadMs / 1000 + resolved.loadS;
    this.noteLoad(modelId, (performance.now() - t0) / 1000, paid);
    return paid;
  }

  stats(): EngineStats {
    return this.options.pool.stats();
  }

  close(): Promise<void> {
    return this.options.pool.close();
  }

  private describeLoadFailure(modelId: string, detail: string, code: string): string {
    return code === 'model_load_failed' ? `Failed to load model '${modelId}': ${detail}` : detail;
  }

  private noteLoad(modelId: string, wallS: number, paidS: number): void {
    if (paidS > 0 && !this.loadTimes.has(modelId)) this.loadTimes.set(modelId, Number(wallS.toFixed(3)));
  }

  private async runOn(lane: number | undefined, request: SynthesisRequest): Promise<Synthesis> {
    const resolved = await this.options.resolveModel(request.modelId);
    request.signal?.throwIfAborted();
    const tQueued = performance.now();
    const result = (await this.options.pool.run(
      {
        kind: 'synthesize',
        model: resolved.files,
        threads: this.options.threadsPerWorker,
        text: request.text,
        voice: request.voice,
        speed: request.speed,
        normalize: request.normalize ?? true,
      },
      { lane, signal: request.signal },
    )) as SynthesizeResult;
    const tDone = performance.now();
    if (!result.ok) {
      throw errorFromCode(result.code, this.describeLoadFailure(request.modelId, result.detail, result.code));
    }
    const generationS = (result.frontendMs + result.inferenceMs) / 1000;
    const workerLoadS = result.loadMs / 1000;
    const loadS = resolved.loadS + workerLoadS;
    this.noteLoad(request.modelId, loadS, loadS);
    const synthesis: Synthesis = {
      samples: result.samples,
      sampleRateHz: SAMPLE_RATE_HZ,
      durationS: result.samples.length / SAMPLE_RATE_HZ,
      chunks: result.chunks,
      timings: {
        loadS,
        generationS,
        frontendS: result.frontendMs / 1000,
        inferenceS: result.inferenceMs / 1000,
        queueS: Math.max(0, (tDone - tQueued) / 1000 - generationS - workerLoadS),
      },
    };
    this.options.onSynthesis?.(request, synthesis);
    return synthesis;
  }
}
