// Engine over the scheduler and the worker pool: resolves a model id to local files (download once,
// shared by concurrent callers), cuts the text into model chunks (planChunks, the same cut the
// worker would make), schedules one job per chunk by its deadline, and joins the audio in order.
// Failures that crossed the thread boundary as data are mapped back to GatewayError classes here.
import { randomUUID } from 'node:crypto';
import { errorFromCode } from '../errors.js';
import type { ResolvedVoice, SavedVoiceLookup } from '../kitten/voice-blend.js';
import type { Lexicon } from '../kitten/frontend/lexicon.js';
import { concatChunks } from '../kitten/trim.js';
import { chunkFromCache } from './chunk-cache.js';
import type { ChunkOutcome, ChunkReport, MadeChunk, ResolvedRequest } from './chunk-job.js';
import { runChunkOnWorker, type ChunkWorkers } from './chunk-on-worker.js';
import { planRequest } from './plan-request.js';
import type {
  ChunkSchedule,
  ChunkSink,
  Engine,
  EngineStats,
  PhonemizeRequest,
  Synthesis,
  SynthesisRequest,
  SynthesisSummary,
} from './engine.js';
import type { SchedulingPolicy } from './edf-policy.js';
import { describeLoadFailure, ModelLoads, type ResolvedModel } from './model-loads.js';
import { runOrdered } from './ordered-delivery.js';
import { phonemizeTask } from './phonemize-task.js';
import type { WorkerPool } from './pool.js';
import type {
  LoadResult,
  ModelFiles,
  PhonemizedChunk,
  PhonemizeResult,
  WorkerResult,
} from './protocol.js';
import { IdleRenewer } from './idle-renewer.js';
import { Scheduler } from './scheduler.js';
import { SpeedEstimator } from './speed-estimator.js';
import { SynthesisCache, type CacheStats } from './synthesis-cache.js';
import { summarizeSynthesis } from './synthesis-summary.js';
import { resolveRequestVoice } from './voice-resolution.js';

export interface PoolEngineOptions {
  pool: WorkerPool;
  /** Model id → local files; must share one download between concurrent callers. */
  resolveModel: (modelId: string) => Promise<ResolvedModel>;
  threadsPerWorker: number;
  /** A worker rested this long renews its sessions (engine/idle-renewer.ts); 0 or unset: never. */
  idleRenewMs?: number;
  /** Chunks waiting for a worker before new ones are refused with 429. */
  maxQueued?: number;
  /** A one-shot's first chunk is due this long after arrival (its later chunks at audio pace). */
  oneshotSlackMs?: number;
  policy?: SchedulingPolicy;
  /** Called after every successful synthesis (stats, metrics). */
  onSynthesis?: (request: SynthesisRequest, result: SynthesisSummary) => void;
  onChunk?: (report: ChunkReport) => void;
  /** Bytes of chunk audio the synthesis cache may hold (0 or unset: no cache). */
  cacheBytes?: number;
  /** Saved voices by name (their blends); unset: built-in voices and blends of them only. */
  savedVoice?: SavedVoiceLookup;
  /** The pronunciation lexicon (KITTENTTS_LEXICON), applied to every planned chunk. */
  lexicon?: Lexicon;
}

export const DEFAULT_ONESHOT_SLACK_MS = 2000;

export class PoolEngine implements Engine {
  readonly scheduler: Scheduler;
  private readonly speed = new SpeedEstimator();
  private readonly cache: SynthesisCache;
  private readonly models: ModelLoads;
  private readonly workers: ChunkWorkers;
  private readonly renewer: IdleRenewer;
  private renewals = 0;

  constructor(private readonly options: PoolEngineOptions) {
    this.models = new ModelLoads(options.resolveModel);
    this.cache = new SynthesisCache(options.cacheBytes ?? 0);
    this.scheduler = new Scheduler({
      workers: options.pool.size,
      maxQueued: options.maxQueued,
      policy: options.policy,
    });
    const { pool, threadsPerWorker, onChunk } = options;
    this.renewer = new IdleRenewer(
      this.scheduler,
      async (worker) => this.countRenewals(await pool.run(worker, { kind: 'renew' })),
      options.idleRenewMs ?? 0,
    );
    this.workers = {
      scheduler: this.scheduler,
      pool,
      speed: this.speed,
      threadsPerWorker,
      onChunk,
    };
  }

  now(): number {
    return this.scheduler.clock();
  }

  estimateAudioS(modelId: string, text: string): number {
    return this.speed.audioS(modelId, text.length);
  }

  estimateCostS(modelId: string, text: string): number {
    return this.speed.costMs(modelId, text.length) / 1000;
  }

  queueAheadS(deadlineMs: number): number {
    return this.scheduler.backlogMs(deadlineMs) / 1000;
  }

  measuredAudioSPerS(): number | undefined {
    const perWorker = this.speed.audioSPerWorkerS();
    return perWorker === undefined ? undefined : perWorker * this.scheduler.size;
  }

  /** Sessions the workers have renewed after resting (engine/idle-renewer.ts). */
  sessionRenewals(): number {
    return this.renewals;
  }

  /** Adds the sessions a renew task says it renewed. */
  private countRenewals(result: WorkerResult): void {
    if (result.ok && 'renewed' in result) this.renewals += result.renewed ?? 0;
  }

  /** Seconds the first successful load of each model took (download + session creation). */
  modelLoadTimes(): Record<string, number> {
    return this.models.times();
  }

  loadedModels(): string[] {
    return this.models.loaded();
  }

  cacheStats(): CacheStats {
    return this.cache.stats();
  }

  async synthesize(request: SynthesisRequest): Promise<Synthesis> {
    const pieces: Float32Array[] = [];
    const summary = await this.synthesizeEach(request, (samples) => void pieces.push(samples));
    const samples = pieces.length === 1 ? pieces[0]! : concatChunks(pieces);
    return { ...summary, samples };
  }

  async synthesizeEach(request: SynthesisRequest, onChunk: ChunkSink): Promise<SynthesisSummary> {
    const t0 = performance.now();
    const resolved = await this.models.resolve(request.modelId);
    request.signal?.throwIfAborted();
    const chunks = planRequest(request.text, request.normalize ?? true, this.options.lexicon);
    const withVoice = { ...request, resolvedVoice: this.resolveVoice(request, resolved.files) };
    const outcomes = await this.runChunks(withVoice, resolved.files, chunks, onChunk);
    const loadS = resolved.loadS + outcomes.reduce((s, o) => s + o.loadMs, 0) / 1000;
    this.models.noteLoad(request.modelId, loadS, loadS);
    const summary = summarizeSynthesis(chunks, outcomes, loadS, performance.now() - t0);
    this.options.onSynthesis?.(request, summary);
    return summary;
  }

  /** The request's voice (a name, key, saved name or blend) against the model's aliases and priors. */
  resolveVoice(
    request: Pick<SynthesisRequest, 'voice' | 'speed'>,
    files: ModelFiles,
  ): ResolvedVoice {
    return resolveRequestVoice(request, files, this.options.savedVoice);
  }

  async ensureModel(modelId: string): Promise<number> {
    const t0 = performance.now();
    const resolved = await this.models.resolve(modelId);
    const task = {
      kind: 'load' as const,
      model: resolved.files,
      threads: this.options.threadsPerWorker,
    };
    const result = await this.scheduler.submit(
      {
        kind: 'oneshot',
        deadlineMs: () => -Infinity,
        estCostMs: 0,
        modelKey: modelId,
        group: 'load',
      },
      (worker) => this.options.pool.run<LoadResult>(worker, task),
    );
    if (!result.ok)
      throw errorFromCode(result.code, describeLoadFailure(modelId, result.detail, result.code));
    const paid = result.loadMs / 1000 + resolved.loadS;
    this.models.noteLoad(modelId, (performance.now() - t0) / 1000, paid);
    return paid;
  }

  /** The front-end alone on a worker: the chunks, phonemes and input_ids the model would get. */
  async phonemize(request: PhonemizeRequest): Promise<readonly PhonemizedChunk[]> {
    const task = phonemizeTask(request, this.options.lexicon);
    const result = await this.scheduler.submit(
      {
        kind: 'oneshot',
        deadlineMs: () => this.now() + (this.options.oneshotSlackMs ?? DEFAULT_ONESHOT_SLACK_MS),
        estCostMs: this.speed.costMs(request.modelId, request.text.length) / 4,
        modelKey: request.modelId,
        group: 'phonemize',
      },
      (worker) => this.options.pool.run<PhonemizeResult>(worker, task),
    );
    if (!result.ok) throw errorFromCode(result.code, result.detail);
    return result.chunks;
  }

  stats(): EngineStats {
    return { ...this.scheduler.stats(), downWorkers: this.options.pool.downWorkers };
  }

  /**
   * Shutdown's last word to waiting requests: queued chunks fail with ShuttingDownError, and so
   * does a wait for a model's files (a download), so every such request gets a complete 503.
   */
  dropQueued(): void {
    this.renewer.close();
    this.scheduler.dropQueued();
    this.models.drop();
  }

  /** Refuses new work, lets queued and running chunks finish, then stops the threads. */
  async close(): Promise<void> {
    this.renewer.close();
    this.scheduler.stopAccepting();
    while (!this.scheduler.idle) await new Promise((r) => setTimeout(r, 10));
    await this.options.pool.destroy();
  }

  /**
   * Schedules the chunks with a window of one per worker in the scheduler at a time (so one long
   * text neither fills the queue nor loses its place), deadlines at the pace of the audio before,
   * and hands each chunk's audio to `deliver` in order; no chunk runs more than a window ahead of
   * the oldest undelivered one, so audio held out of order stays bounded too.
   */
  private async runChunks(
    request: ResolvedRequest,
    files: ModelFiles,
    chunks: readonly string[],
    deliver: ChunkSink,
  ): Promise<ChunkOutcome[]> {
    const schedule = request.schedule ?? this.oneshotSchedule();
    const group = schedule.group ?? randomUUID();
    const abort = new AbortController();
    const signal = request.signal ? AbortSignal.any([request.signal, abort.signal]) : abort.signal;
    const offsetsS: number[] = [];
    let ahead = 0;
    for (const chunk of chunks) {
      offsetsS.push(ahead);
      ahead += this.speed.audioS(request.modelId, chunk.length);
    }
    const window = Math.min(chunks.length, this.scheduler.size);
    const outcomes: ChunkOutcome[] = new Array<ChunkOutcome>(chunks.length);
    const run = async (i: number): Promise<MadeChunk> => {
      const deadlineMs = () => schedule.neededAtMs() + offsetsS[i]! * 1000;
      const job = { schedule, group, signal, deadlineMs, first: i === 0 };
      const made = await chunkFromCache(this.cache, request, files, chunks[i]!, job, (due) =>
        runChunkOnWorker(this.workers, request, files, chunks[i]!, { ...job, deadlineMs: due }),
      );
      // The outcome keeps the audio's length, never the audio: once delivered it is the sink's.
      const { audio, ...rest } = made;
      outcomes[i] = { ...rest, samples: audio.length };
      // Aborted meanwhile (a cache hit answers at once): nothing more is delivered.
      signal.throwIfAborted();
      return made;
    };
    try {
      await runOrdered(
        chunks.length,
        { concurrency: window, maxAhead: 2 * window },
        run,
        (made, i) => deliver(made.audio, i, made.words),
      );
    } catch (err) {
      abort.abort(err);
      throw err;
    }
    return outcomes;
  }

  private oneshotSchedule(): ChunkSchedule {
    const neededAt = this.now() + (this.options.oneshotSlackMs ?? DEFAULT_ONESHOT_SLACK_MS);
    return { kind: 'oneshot', neededAtMs: () => neededAt };
  }
}
