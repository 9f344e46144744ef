// Engine over the scheduler and the worker pool: resolves a model id to local files (download once,
// shared by concurrent callers), cuts the text into model chunks (planChunks, the same cut the
// worker would make), schedules one job per chunk by its deadline, and joins the audio in order.
// Failures that crossed the thread boundary as data are mapped back to GatewayError classes here.
import { randomUUID } from 'node:crypto';
import { BadRequestError, errorFromCode, ShuttingDownError } from '../errors.js';
import { resolveBlend, type ResolvedVoice, type SavedVoiceLookup } from '../kitten/voice-blend.js';
import type { Lexicon } from '../kitten/frontend/lexicon.js';
import { concatChunks } from '../kitten/trim.js';
import { pauseSamples } from '../kitten/pause-tags.js';
import { planRequest, silenceFor } from './plan-request.js';
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
import type { WorkerPool } from './pool.js';
import {
  SAMPLE_RATE_HZ,
  type LoadResult,
  type ModelFiles,
  type PhonemizedChunk,
  type PhonemizeResult,
  type SynthesizeResult,
  type WordSpan,
} from './protocol.js';
import { Scheduler } from './scheduler.js';
import { SpeedEstimator } from './speed-estimator.js';
import { chunkKey, SynthesisCache, type CacheStats } from './synthesis-cache.js';

export interface ResolvedModel {
  files: ModelFiles;
  /** Seconds this call spent downloading/resolving (0 when already resolved). */
  loadS: number;
}

/** One finished chunk job, for metrics. */
export interface ChunkReport {
  readonly kind: ChunkSchedule['kind'];
  readonly opensTurn: boolean;
  /** From queued to started on a worker. */
  readonly queueMs: number;
  /** Finished after its deadline by this much (≤ 0: on time). */
  readonly lateMs: number;
  /** Why its word timings failed (it went out without words); absent when they did not. */
  readonly wordsError?: string;
}

export interface PoolEngineOptions {
  pool: WorkerPool;
  /** Model id → local files; must share one download between concurrent callers. */
  resolveModel: (modelId: string) => Promise<ResolvedModel>;
  threadsPerWorker: number;
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

/** A request with its voice resolved against the model (what the worker and the cache get). */
type ResolvedRequest = SynthesisRequest & { readonly resolvedVoice: ResolvedVoice };

export const DEFAULT_ONESHOT_SLACK_MS = 2000;

interface ChunkOutcome {
  /** Samples the chunk made (its audio went to the sink). */
  samples: number;
  words: readonly WordSpan[];
  loadMs: number;
  frontendMs: number;
  inferenceMs: number;
  queueMs: number;
  /** From the synthesis cache (or a flight another asker started). */
  cached: boolean;
}

/** How one chunk of a request is scheduled. */
interface ChunkJob {
  schedule: ChunkSchedule;
  group: string;
  signal: AbortSignal;
  deadlineMs: () => number;
  first: boolean;
}

export class PoolEngine implements Engine {
  readonly scheduler: Scheduler;
  private readonly loadTimes = new Map<string, number>();
  private readonly speed = new SpeedEstimator();
  private readonly cache: SynthesisCache;
  private readonly dropped = new AbortController();

  constructor(private readonly options: PoolEngineOptions) {
    this.cache = new SynthesisCache(options.cacheBytes ?? 0);
    this.scheduler = new Scheduler({
      workers: options.pool.size,
      maxQueued: options.maxQueued,
      policy: options.policy,
    });
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

  /** Seconds the first successful load of each model took (download + session creation). */
  modelLoadTimes(): Record<string, number> {
    return Object.fromEntries(this.loadTimes);
  }

  loadedModels(): string[] {
    return [...this.loadTimes.keys()];
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
    const resolved = await this.resolve(request.modelId);
    request.signal?.throwIfAborted();
    const chunks = planRequest(request.text, request.normalize ?? true, this.options.lexicon);
    const withVoice = { ...request, resolvedVoice: this.resolveVoice(request, resolved.files) };
    const outcomes = await this.runChunks(withVoice, resolved.files, chunks, onChunk);
    const sum = (f: (o: ChunkOutcome) => number) => outcomes.reduce((s, o) => s + f(o), 0);
    const loadS = resolved.loadS + sum((o) => o.loadMs) / 1000;
    this.noteLoad(request.modelId, loadS, loadS);
    const summary: SynthesisSummary = {
      cached: outcomes.every((o) => o.cached),
      sampleRateHz: SAMPLE_RATE_HZ,
      durationS: sum((o) => o.samples) / SAMPLE_RATE_HZ,
      chunks: chunks.map((text, i) => ({
        text,
        samples: outcomes[i]!.samples,
        words: outcomes[i]!.words,
      })),
      timings: {
        loadS,
        generationS: sum((o) => o.frontendMs + o.inferenceMs) / 1000,
        frontendS: sum((o) => o.frontendMs) / 1000,
        inferenceS: sum((o) => o.inferenceMs) / 1000,
        queueS: Math.min((performance.now() - t0) / 1000, (outcomes[0]?.queueMs ?? 0) / 1000),
      },
    };
    this.options.onSynthesis?.(request, summary);
    return summary;
  }

  /** The request's voice (a name, key, saved name or blend) against the model's aliases and priors. */
  resolveVoice(
    request: Pick<SynthesisRequest, 'voice' | 'speed'>,
    files: ModelFiles,
  ): ResolvedVoice {
    try {
      return resolveBlend(
        request.voice,
        files.voiceAliases,
        files.speedPriors,
        request.speed,
        this.options.savedVoice,
      );
    } catch (err) {
      throw new BadRequestError((err as Error).message, 'invalid_voice');
    }
  }

  async ensureModel(modelId: string): Promise<number> {
    const t0 = performance.now();
    const resolved = await this.resolve(modelId);
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
      throw errorFromCode(
        result.code,
        this.describeLoadFailure(modelId, result.detail, result.code),
      );
    const paid = result.loadMs / 1000 + resolved.loadS;
    this.noteLoad(modelId, (performance.now() - t0) / 1000, paid);
    return paid;
  }

  /** The front-end alone on a worker: the chunks, phonemes and input_ids the model would get. */
  async phonemize(request: PhonemizeRequest): Promise<readonly PhonemizedChunk[]> {
    // Planned here, like a synthesis (markup checked, lexicon applied); pause tags are no model input.
    const chunks = planRequest(request.text, request.normalize, this.options.lexicon);
    const task = {
      kind: 'phonemize' as const,
      chunks: chunks.filter((c) => pauseSamples(c) === undefined),
    };
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
    this.scheduler.dropQueued();
    this.dropped.abort();
  }

  private resolve(modelId: string): Promise<ResolvedModel> {
    const gone = this.dropped.signal;
    if (gone.aborted) return Promise.reject(new ShuttingDownError());
    return new Promise((resolve, reject) => {
      const stop = () => reject(new ShuttingDownError());
      gone.addEventListener('abort', stop, { once: true });
      this.options
        .resolveModel(modelId)
        .then(resolve, reject)
        .finally(() => gone.removeEventListener('abort', stop));
    });
  }

  /** Refuses new work, lets queued and running chunks finish, then stops the threads. */
  async close(): Promise<void> {
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
    const held = new Map<number, { audio: Float32Array; words: readonly WordSpan[] }>();
    let delivered = 0;
    let wake: () => void = () => {};
    let progress = new Promise<void>((r) => (wake = r));
    const settle = (i: number, made: { audio: Float32Array; words: readonly WordSpan[] }) => {
      held.set(i, made);
      for (let next = held.get(delivered); next; next = held.get(delivered)) {
        held.delete(delivered);
        deliver(next.audio, delivered++, next.words);
      }
      wake();
      progress = new Promise<void>((r) => (wake = r));
    };
    let next = 0;
    const feed = async () => {
      while (next < chunks.length) {
        if (next >= delivered + 2 * window) {
          await progress;
          continue;
        }
        const i = next++;
        const deadlineMs = () => schedule.neededAtMs() + offsetsS[i]! * 1000;
        const outcome = await this.runChunk(request, files, chunks[i]!, {
          schedule,
          group,
          signal,
          deadlineMs,
          first: i === 0,
        });
        // The outcome keeps the audio's length, never the audio: once delivered it is the sink's.
        const { audio, ...rest } = outcome;
        outcomes[i] = { ...rest, samples: audio.length };
        // Aborted meanwhile (a cache hit answers at once): nothing more is delivered.
        signal.throwIfAborted();
        settle(i, outcome);
      }
    };
    try {
      await Promise.all(Array.from({ length: window }, feed));
    } catch (err) {
      abort.abort(err);
      throw err;
    } finally {
      held.clear();
    }
    return outcomes;
  }

  private async runChunk(
    request: ResolvedRequest,
    files: ModelFiles,
    text: string,
    job: ChunkJob,
  ): Promise<Omit<ChunkOutcome, 'samples'> & { audio: Float32Array }> {
    // A pause tag is silence, made here: no worker, no cache; ready at once, as a cache hit is.
    const silence = silenceFor(text);
    if (silence) {
      const free = { loadMs: 0, frontendMs: 0, inferenceMs: 0, queueMs: 0, cached: true };
      return { audio: silence, words: [], ...free };
    }
    // A cached chunk (or one already being made for someone else) never waits for a worker.
    const key = this.cache.enabled
      ? chunkKey({ files, voice: request.resolvedVoice, text })
      : undefined;
    let outcome = { loadMs: 0, frontendMs: 0, inferenceMs: 0, queueMs: 0 };
    const { audio, words, hit } = await this.cache.get(
      key,
      async (deadlineMs) => {
        // Due by the earliest deadline of everyone waiting for this chunk, not the first asker's.
        const made = await this.runOnWorker(request, files, text, { ...job, deadlineMs });
        outcome = made;
        return made;
      },
      job.deadlineMs,
      job.signal,
    );
    return { ...outcome, audio, words, cached: hit };
  }

  private async runOnWorker(
    request: ResolvedRequest,
    files: ModelFiles,
    text: string,
    job: ChunkJob,
  ): Promise<Omit<ChunkOutcome, 'samples' | 'cached'> & { audio: Float32Array }> {
    const opensTurn = job.first && job.schedule.opensTurn === true;
    const task = {
      kind: 'chunk' as const,
      model: files,
      threads: this.options.threadsPerWorker,
      text,
      voice: request.resolvedVoice,
    };
    const queuedAt = this.now();
    let startedAt = queuedAt;
    const spec = {
      kind: job.schedule.kind,
      deadlineMs: job.deadlineMs,
      estCostMs: this.speed.costMs(request.modelId, text.length),
      modelKey: request.modelId,
      group: job.group,
      opensTurn,
      signal: job.signal,
    };
    const result = await this.scheduler.submit(spec, (worker) => {
      startedAt = this.now();
      if (job.first) this.tellDispatch(job, worker);
      return this.options.pool.run<SynthesizeResult>(worker, task);
    });
    if (!result.ok) {
      throw errorFromCode(
        result.code,
        this.describeLoadFailure(request.modelId, result.detail, result.code),
      );
    }
    const finishedAt = this.now();
    const workerMs = result.frontendMs + result.inferenceMs;
    this.speed.observe(request.modelId, {
      chars: text.length,
      audioS: result.samples.length / SAMPLE_RATE_HZ,
      workerMs,
    });
    const queueMs = startedAt - queuedAt;
    const lateMs = finishedAt - job.deadlineMs();
    const { wordsError } = result;
    const failed = wordsError === undefined ? {} : { wordsError };
    this.report({ kind: spec.kind, opensTurn, queueMs, lateMs, ...failed });
    return {
      audio: result.samples,
      words: result.words,
      loadMs: result.loadMs,
      frontendMs: result.frontendMs,
      inferenceMs: result.inferenceMs,
      queueMs,
    };
  }

  private tellDispatch(job: ChunkJob, worker: number): void {
    try {
      job.schedule.onDispatch?.(worker, job.deadlineMs());
    } catch {
      // A tracing hook must never break synthesis.
    }
  }

  private report(report: ChunkReport): void {
    try {
      this.options.onChunk?.(report);
    } catch {
      // A metrics hook must never break synthesis.
    }
  }

  private oneshotSchedule(): ChunkSchedule {
    const neededAt = this.now() + (this.options.oneshotSlackMs ?? DEFAULT_ONESHOT_SLACK_MS);
    return { kind: 'oneshot', neededAtMs: () => neededAt };
  }

  private describeLoadFailure(modelId: string, detail: string, code: string): string {
    return code === 'model_load_failed' ? `Failed to load model '${modelId}': ${detail}` : detail;
  }

  private noteLoad(modelId: string, wallS: number, paidS: number): void {
    if (paidS > 0 && !this.loadTimes.has(modelId))
      this.loadTimes.set(modelId, Number(wallS.toFixed(3)));
  }
}
