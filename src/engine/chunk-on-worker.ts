// One chunk on a worker: scheduled by its deadline, timed (queued → started → finished), its
// speed fed to the estimator, and its lateness told to the metrics hook; a failure that crossed
// the thread boundary as data becomes a GatewayError here.
import { errorFromCode } from '../errors.js';
import type { WorkerChunk } from './chunk-cache.js';
import type { ChunkJob, ChunkReport, ResolvedRequest } from './chunk-job.js';
import { describeLoadFailure } from './model-loads.js';
import type { WorkerPool } from './pool.js';
import { SAMPLE_RATE_HZ, type ModelFiles, type SynthesizeResult } from './protocol.js';
import type { Scheduler } from './scheduler.js';
import type { SpeedEstimator } from './speed-estimator.js';

export interface ChunkWorkers {
  readonly scheduler: Scheduler;
  readonly pool: WorkerPool;
  readonly speed: SpeedEstimator;
  readonly threadsPerWorker: number;
  readonly onChunk?: ((report: ChunkReport) => void) | undefined;
}

export async function runChunkOnWorker(
  workers: ChunkWorkers,
  request: ResolvedRequest,
  files: ModelFiles,
  text: string,
  job: ChunkJob,
): Promise<WorkerChunk> {
  const { scheduler, pool, speed } = workers;
  const opensTurn = job.first && job.schedule.opensTurn === true;
  const task = {
    kind: 'chunk' as const,
    model: files,
    threads: workers.threadsPerWorker,
    text,
    voice: request.resolvedVoice,
  };
  const queuedAt = scheduler.clock();
  let startedAt = queuedAt;
  const spec = {
    kind: job.schedule.kind,
    deadlineMs: job.deadlineMs,
    estCostMs: speed.costMs(request.modelId, text.length),
    modelKey: request.modelId,
    group: job.group,
    opensTurn,
    signal: job.signal,
  };
  const result = await scheduler.submit(spec, (worker) => {
    startedAt = scheduler.clock();
    if (job.first) tellDispatch(job, worker);
    return pool.run<SynthesizeResult>(worker, task);
  });
  if (!result.ok) {
    const detail = describeLoadFailure(request.modelId, result.detail, result.code);
    throw errorFromCode(result.code, detail);
  }
  const finishedAt = scheduler.clock();
  const workerMs = result.frontendMs + result.inferenceMs;
  speed.observe(request.modelId, {
    chars: text.length,
    audioS: result.samples.length / SAMPLE_RATE_HZ,
    workerMs,
  });
  const queueMs = startedAt - queuedAt;
  const lateMs = finishedAt - job.deadlineMs();
  const { wordsError } = result;
  const failed = wordsError === undefined ? {} : { wordsError };
  report(workers, { kind: spec.kind, opensTurn, queueMs, lateMs, ...failed });
  return {
    audio: result.samples,
    words: result.words,
    loadMs: result.loadMs,
    frontendMs: result.frontendMs,
    inferenceMs: result.inferenceMs,
    queueMs,
  };
}

function tellDispatch(job: ChunkJob, worker: number): void {
  try {
    job.schedule.onDispatch?.(worker, job.deadlineMs());
  } catch {
    // A tracing hook must never break synthesis.
  }
}

function report(workers: ChunkWorkers, report: ChunkReport): void {
  try {
    workers.onChunk?.(report);
  } catch {
    // A metrics hook must never break synthesis.
  }
}
