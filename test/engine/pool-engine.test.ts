// PoolEngine over the real scheduler and a fake worker pool (same interface as engine/pool.ts)
// that records every task and answers chunks with audio made from their text, either at once or
// when the test says so: chunk planning, in-order delivery, joining, cancellation, error mapping,
// model loads, speed learning and close. Order and counts, never time.
import { describe, expect, it } from 'vitest';
import {
  BadRequestError,
  type GatewayError,
  InferenceError,
  ModelLoadError,
  ShuttingDownError,
} from '../../src/errors.js';
import type { ChunkSchedule, SynthesisRequest } from '../../src/engine/engine.js';
import type { ChunkReport } from '../../src/engine/chunk-job.js';
import { PoolEngine, type PoolEngineOptions } from '../../src/engine/pool-engine.js';
import type { WorkerPool } from '../../src/engine/pool.js';
import {
  SAMPLE_RATE_HZ,
  type ModelFiles,
  type WorkerResult,
  type WorkerTask,
} from '../../src/engine/protocol.js';
import type { DispatchInfo } from '../../src/engine/scheduler.js';
import { DEFAULT_SPEED_PRIOR } from '../../src/engine/speed-estimator.js';
import { planChunks } from '../../src/kitten/frontend/frontend.js';
import { DEFAULT_ALIASES } from '../../src/kitten/voices.js';

const MODEL = 'kitten-tts-nano';
const FILES: ModelFiles = {
  id: MODEL,
  modelPath: '/models/nano/model.onnx',
  voicesPath: '/models/nano/voices.npz',
  type: 'ONNX1',
  speedPriors: {},
  voiceAliases: DEFAULT_ALIASES,
};
/** Samples of fake audio per character of chunk text, and fake worker ms per character. */
const SAMPLES_PER_CHAR = 8;
const WORKER_MS_PER_CHAR = 2;

/** The fake pool's audio for a chunk: SAMPLES_PER_CHAR samples per character, each its code. */
function audioFor(text: string): Float32Array {
  return Float32Array.from(
    { length: text.length * SAMPLES_PER_CHAR },
    (_, i) => text.charCodeAt(Math.floor(i / SAMPLES_PER_CHAR)) / 1000,
  );
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function defaultAnswer(task: WorkerTask): WorkerResult {
  switch (task.kind) {
    case 'chunk':
      return {
        ok: true,
        samples: audioFor(task.text),
        words: [],
        loadMs: 0,
        frontendMs: (task.text.length * WORKER_MS_PER_CHAR) / 2,
        inferenceMs: (task.text.length * WORKER_MS_PER_CHAR) / 2,
        wordsMs: 0,
      };
    case 'load':
      return { ok: true, loadMs: 250 };
    case 'ping':
    case 'renew':
      return { ok: true, loadMs: 0 };
    case 'phonemize':
      return { ok: true, chunks: [] };
  }
}

interface Sent {
  readonly worker: number;
  readonly task: WorkerTask;
  settled: boolean;
  /** Answers the task (with `answer`'s result, else the default). */
  finish(): void;
  /** Rejects the task, as a thread that died would. */
  fail(err: unknown): void;
}

/** A worker pool that records tasks; `hold` keeps each task running until the test finishes it. */
class FakePool implements Pick<WorkerPool, 'size' | 'busy' | 'run' | 'destroy'> {
  readonly sent: Sent[] = [];
  readonly events: string[];
  mostRunning = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(
    readonly size: number,
    private readonly options: {
      hold?: boolean;
      answer?: (task: WorkerTask) => WorkerResult | undefined;
      events?: string[];
    } = {},
  ) {
    this.events = options.events ?? [];
  }

  get busy(): boolean {
    return this.running > 0;
  }

  get running(): number {
    return this.sent.filter((s) => !s.settled).length;
  }

  run<T extends WorkerResult>(worker: number, task: WorkerTask): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const sent: Sent = {
        worker,
        task,
        settled: false,
        finish: () => {
          if (sent.settled) return;
          sent.settled = true;
          resolve((this.options.answer?.(task) ?? defaultAnswer(task)) as T);
        },
        fail: (err) => {
          if (sent.settled) return;
          sent.settled = true;
          reject(err);
        },
      };
      this.sent.push(sent);
      this.mostRunning = Math.max(this.mostRunning, this.running);
      for (const wake of this.waiters.splice(0)) wake();
      if (!this.options.hold) queueMicrotask(sent.finish);
    });
  }

  async destroy(): Promise<void> {
    this.events.push('pool destroyed');
  }

  /** Chunk texts in the order their tasks reached the pool. */
  chunkTexts(): string[] {
    return this.sent.flatMap((s) => (s.task.kind === 'chunk' ? [s.task.text] : []));
  }

  async untilSent(n: number): Promise<void> {
    while (this.sent.length < n) await new Promise<void>((r) => this.waiters.push(r));
  }

  /** Finishes task `i` and lets everything that follows from it happen. */
  async finish(i: number): Promise<void> {
    this.sent[i]!.finish();
    await settle();
  }
}

/** Lets pending promise chains (engine, scheduler) run to their next wait. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

function engineOn(pool: FakePool, options: Partial<PoolEngineOptions> = {}) {
  const resolved: string[] = [];
  const reports: ChunkReport[] = [];
  const dispatched: DispatchInfo[] = [];
  const asPool: Pick<WorkerPool, 'size' | 'busy' | 'run' | 'destroy'> = pool;
  const engine = new PoolEngine({
    pool: asPool as WorkerPool,
    resolveModel: async (modelId) => {
      resolved.push(modelId);
      return { files: { ...FILES, id: modelId }, loadS: 0 };
    },
    threadsPerWorker: 2,
    onChunk: (report) => reports.push(report),
    ...options,
  });
  engine.scheduler.onDispatch = (info) => dispatched.push(info);
  return { engine, resolved, reports, dispatched };
}

function request(text: string, extra: Partial<SynthesisRequest> = {}): SynthesisRequest {
  return { modelId: MODEL, text, voice: 'Jasper', speed: 1, ...extra };
}

/** `n` sentences, one model chunk each. */
const sentences = (n: number) =>
  Array.from({ length: n }, (_, i) => `Sentence ${'abcdefghijklmnop'[i]} is said here.`).join(' ');

const MIXED = 'The quick brown fox jumps. Dr. Smith paid $3.50 at 10 a.m. today. It was fine!';

/** Rejection of a promise, failing the test if it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

describe('PoolEngine: chunks', () => {
  it('cuts the text into planned chunks and sends each with the request’s voice, speed, model and threads', async () => {
    const pool = new FakePool(2);
    const { engine, resolved } = engineOn(pool);
    const chunks = planChunks(MIXED);
    expect(chunks).toHaveLength(3);
    await engine.synthesize(request(MIXED, { voice: 'Luna', speed: 1.25 }));
    expect(resolved).toEqual([MODEL]);
    expect(pool.sent.map((s) => s.task)).toEqual(
      chunks.map((text) => ({
        kind: 'chunk',
        model: FILES,
        threads: 2,
        text,
        voice: { mix: [{ key: 'expr-voice-3-f', weight: 1 }], speed: 1.25 },
      })),
    );
  });

  it('normalizes the text unless the request turns that off', async () => {
    const pool = new FakePool(1);
    const { engine } = engineOn(pool);
    await engine.synthesize(request(MIXED));
    const normalized = pool.chunkTexts();
    await engine.synthesize(request(MIXED, { normalize: false }));
    const raw = pool.chunkTexts().slice(normalized.length);
    expect(normalized).toEqual(planChunks(MIXED, { normalize: true }));
    expect(raw).toEqual(planChunks(MIXED, { normalize: false }));
    expect(raw.join(' ')).toContain('$3.50');
    expect(normalized.join(' ')).not.toContain('$3.50');
  });

  it('joins the chunks’ audio in order and reports each chunk’s text and samples', async () => {
    const pool = new FakePool(3);
    const { engine } = engineOn(pool);
    const result = await engine.synthesize(request(sentences(5)));
    const chunks = planChunks(sentences(5));
    expect(chunks).toHaveLength(5);
    expect(result.samples).toEqual(concat(chunks.map(audioFor)));
    expect(result.chunks).toEqual(
      chunks.map((text) => ({ text, samples: audioFor(text).length, words: [] })),
    );
    expect(result.sampleRateHz).toBe(SAMPLE_RATE_HZ);
    expect(result.durationS).toBeCloseTo(result.samples.length / SAMPLE_RATE_HZ, 9);
  });

  it('returns a single chunk’s audio as it is', async () => {
    const pool = new FakePool(2);
    const { engine } = engineOn(pool);
    const result = await engine.synthesize(request('Just one.'));
    expect(result.chunks).toHaveLength(1);
    expect(result.samples).toEqual(audioFor(planChunks('Just one.')[0]!));
  });

  it('delivers chunks in order when a later one finishes first', async () => {
    const pool = new FakePool(3, { hold: true });
    const { engine, reports } = engineOn(pool);
    const delivered: Array<[number, Float32Array]> = [];
    const summary = engine.synthesizeEach(request(sentences(3)), (samples, index) =>
      delivered.push([index, samples]),
    );
    await pool.untilSent(3);
    const texts = pool.chunkTexts();
    await pool.finish(2);
    await pool.finish(1);
    // Both later chunks are done (and reported), but neither goes out before the first.
    expect(reports).toHaveLength(2);
    expect(delivered).toEqual([]);
    await pool.finish(0);
    expect(delivered.map(([i]) => i)).toEqual([0, 1, 2]);
    expect(delivered.map(([, samples]) => samples)).toEqual(texts.map(audioFor));
    expect((await summary).chunks.map((c) => c.text)).toEqual(texts);
  });

  it('runs no chunk more than two windows ahead of the oldest undelivered one, nor more at once than there are workers', async () => {
    const pool = new FakePool(2, { hold: true });
    const { engine } = engineOn(pool);
    const delivered: number[] = [];
    const summary = engine.synthesizeEach(request(sentences(8)), (_, i) => delivered.push(i));
    await pool.untilSent(2);
    // Chunk 0 stays running; the other worker works ahead on chunks 1, 2 and 3, then waits.
    for (const i of [1, 2, 3]) {
      await pool.finish(i);
      if (i < 3) await pool.untilSent(i + 2);
    }
    expect(pool.sent).toHaveLength(4);
    expect(delivered).toEqual([]);
    await pool.finish(0);
    expect(delivered).toEqual([0, 1, 2, 3]);
    await pool.untilSent(6);
    for (let i = 4; i < 8; i++) {
      await pool.untilSent(i + 1);
      await pool.finish(i);
    }
    await summary;
    expect(delivered).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(pool.chunkTexts()).toEqual(planChunks(sentences(8)));
    expect(pool.mostRunning).toBe(2);
  });
});

describe('PoolEngine: scheduling', () => {
  it('schedules a request’s chunks with its kind and group, opening the turn with the first chunk only', async () => {
    const pool = new FakePool(1);
    const { engine, reports, dispatched } = engineOn(pool);
    const schedule: ChunkSchedule = {
      kind: 'realtime',
      neededAtMs: () => 1000,
      group: 'session-1',
      opensTurn: true,
    };
    await engine.synthesize(request(sentences(3), { schedule }));
    expect(dispatched.map((d) => d.job.kind)).toEqual(['realtime', 'realtime', 'realtime']);
    expect(dispatched.map((d) => d.job.group)).toEqual(['session-1', 'session-1', 'session-1']);
    expect(dispatched.map((d) => d.job.opensTurn)).toEqual([true, false, false]);
    expect(reports.map((r) => [r.kind, r.opensTurn])).toEqual([
      ['realtime', true],
      ['realtime', false],
      ['realtime', false],
    ]);
  });

  it('gives the first chunk the request’s deadline and each later chunk a later one', async () => {
    const pool = new FakePool(1);
    const { engine, dispatched } = engineOn(pool);
    const schedule: ChunkSchedule = { kind: 'realtime', neededAtMs: () => 1000 };
    await engine.synthesize(request(sentences(4), { schedule }));
    const deadlines = dispatched.map((d) => d.job.deadlineMs());
    expect(deadlines).toHaveLength(4);
    expect(deadlines[0]).toBe(1000);
    for (let i = 1; i < deadlines.length; i++)
      expect(deadlines[i]!).toBeGreaterThan(deadlines[i - 1]!);
  });

  it('makes a request without a schedule a one-shot, in a group of its own', async () => {
    const pool = new FakePool(2);
    const { engine, dispatched } = engineOn(pool);
    await engine.synthesize(request(sentences(2)));
    await engine.synthesize(request(sentences(2)));
    expect(dispatched.map((d) => d.job.kind)).toEqual(['oneshot', 'oneshot', 'oneshot', 'oneshot']);
    expect(dispatched.map((d) => d.job.opensTurn)).toEqual([false, false, false, false]);
    const groups = dispatched.map((d) => d.job.group);
    expect(groups[0]).toBe(groups[1]);
    expect(groups[2]).toBe(groups[3]);
    expect(groups[0]).not.toBe(groups[2]);
  });

  it('learns each model’s audio and worker time per character from the chunks it ran', async () => {
    const pool = new FakePool(2);
    const { engine } = engineOn(pool);
    const text = 'x'.repeat(100);
    expect(engine.measuredAudioSPerS()).toBeUndefined();
    expect(engine.estimateAudioS(MODEL, text)).toBeCloseTo(100 * DEFAULT_SPEED_PRIOR.audioSPerChar);
    await engine.synthesize(request(sentences(3)));
    const audioSPerChar = SAMPLES_PER_CHAR / SAMPLE_RATE_HZ;
    expect(engine.estimateAudioS(MODEL, text)).toBeCloseTo(100 * audioSPerChar, 9);
    expect(engine.estimateCostS(MODEL, text)).toBeCloseTo((100 * WORKER_MS_PER_CHAR) / 1000, 9);
    // Both workers together: audio seconds per worker second, times two.
    expect(engine.measuredAudioSPerS()).toBeCloseTo(
      ((audioSPerChar * 1000) / WORKER_MS_PER_CHAR) * 2,
      9,
    );
    // Another model still starts from the prior.
    expect(engine.estimateAudioS('other', text)).toBeCloseTo(
      100 * DEFAULT_SPEED_PRIOR.audioSPerChar,
    );
  });

  it('counts the chunks it completed in its stats', async () => {
    const pool = new FakePool(3);
    const { engine } = engineOn(pool);
    await engine.synthesize(request(sentences(4)));
    expect(engine.stats()).toEqual({ workers: 3, busyWorkers: 0, queued: 0, completed: 4 });
  });
});

describe('PoolEngine: cancellation', () => {
  it('refuses a request whose signal is already aborted before any chunk reaches a worker', async () => {
    const pool = new FakePool(1);
    const { engine } = engineOn(pool);
    const reason = new Error('client went away');
    const err = await rejectionOf(
      engine.synthesize(request(sentences(2), { signal: AbortSignal.abort(reason) })),
    );
    expect(err).toBe(reason);
    expect(pool.sent).toHaveLength(0);
  });

  it('drops a cancelled request’s queued chunk, which never reaches a worker', async () => {
    const pool = new FakePool(1, { hold: true });
    const { engine } = engineOn(pool);
    const busy = engine.synthesize(request('The worker is busy.'));
    await pool.untilSent(1);
    const controller = new AbortController();
    const cancelled = rejectionOf(
      engine.synthesize(request(sentences(3), { signal: controller.signal })),
    );
    await settle();
    expect(engine.stats().queued).toBe(1);
    const reason = new Error('client went away');
    controller.abort(reason);
    expect(await cancelled).toBe(reason);
    expect(engine.stats().queued).toBe(0);
    await pool.finish(0);
    await busy;
    expect(pool.sent).toHaveLength(1);
  });

  it('lets a cancelled request’s running chunk end and sends none of its later chunks', async () => {
    const pool = new FakePool(1, { hold: true });
    const { engine } = engineOn(pool);
    const controller = new AbortController();
    const cancelled = rejectionOf(
      engine.synthesizeEach(request(sentences(3), { signal: controller.signal }), () => {}),
    );
    await pool.untilSent(1);
    const reason = new Error('client went away');
    controller.abort(reason);
    await pool.finish(0);
    expect(await cancelled).toBe(reason);
    await settle();
    expect(pool.sent).toHaveLength(1);
    expect(engine.stats()).toMatchObject({ busyWorkers: 0, queued: 0 });
  });
});

describe('PoolEngine: failures', () => {
  const cases: Array<
    [code: string, cls: new (...args: never[]) => GatewayError, status: number, detail: RegExp]
  > = [
    ['invalid_voice', BadRequestError, 400, /^the worker said no$/],
    ['invalid_text', BadRequestError, 400, /^the worker said no$/],
    ['bad_request', BadRequestError, 400, /^the worker said no$/],
    ['model_load_failed', ModelLoadError, 500, /^Failed to load model 'kitten-tts-nano': /],
    ['inference_failed', InferenceError, 500, /^the worker said no$/],
    ['worker_crashed', InferenceError, 500, /^the worker said no$/],
    ['something_new', InferenceError, 500, /^the worker said no$/],
  ];
  for (const [code, cls, status, detail] of cases) {
    it(`turns a chunk failure coded ${code} into ${cls.name} (${status})`, async () => {
      const pool = new FakePool(1, {
        answer: () => ({ ok: false, code, detail: 'the worker said no' }),
      });
      const { engine } = engineOn(pool);
      const err = await rejectionOf(engine.synthesize(request('Hello there.')));
      expect(err).toBeInstanceOf(cls);
      expect((err as GatewayError).status).toBe(status);
      expect((err as GatewayError).code).toBe(code === 'something_new' ? 'inference_failed' : code);
      expect(err.message).toMatch(detail);
    });
  }

  it('stops a request’s remaining chunks once one of them fails', async () => {
    const pool = new FakePool(2, {
      hold: true,
      answer: (task) =>
        task.kind === 'chunk' && task.text === planChunks(sentences(6))[0]
          ? { ok: false, code: 'inference_failed', detail: 'the model broke' }
          : undefined,
    });
    const { engine } = engineOn(pool);
    const delivered: number[] = [];
    const failed = rejectionOf(
      engine.synthesizeEach(request(sentences(6)), (_, i) => delivered.push(i)),
    );
    await pool.untilSent(2);
    await pool.finish(0);
    expect((await failed).message).toBe('the model broke');
    await pool.finish(1);
    expect(pool.sent).toHaveLength(2);
    expect(delivered).toEqual([]);
  });

  it('passes a worker thread’s crash (a rejected run) on as it is', async () => {
    const pool = new FakePool(1, { hold: true });
    const { engine } = engineOn(pool);
    const failed = rejectionOf(engine.synthesize(request('Hello there.')));
    await pool.untilSent(1);
    const crash = new InferenceError('The inference worker crashed', 'worker_crashed');
    pool.sent[0]!.fail(crash);
    expect(await failed).toBe(crash);
  });

  it('keeps synthesizing when the chunk metrics hook throws', async () => {
    const pool = new FakePool(1);
    const { engine } = engineOn(pool, {
      onChunk: () => {
        throw new Error('metrics are broken');
      },
    });
    const result = await engine.synthesize(request(sentences(2)));
    expect(result.chunks).toHaveLength(2);
  });
});

describe('PoolEngine: models and timings', () => {
  it('loads a model on a worker and returns the seconds it paid, the download included', async () => {
    const pool = new FakePool(2);
    const { engine } = engineOn(pool, {
      resolveModel: async (modelId) => ({ files: { ...FILES, id: modelId }, loadS: 1.5 }),
    });
    expect(engine.loadedModels()).toEqual([]);
    expect(await engine.ensureModel(MODEL)).toBeCloseTo(1.75, 9);
    expect(pool.sent.map((s) => s.task)).toEqual([{ kind: 'load', model: FILES, threads: 2 }]);
    expect(engine.loadedModels()).toEqual([MODEL]);
    expect(Object.keys(engine.modelLoadTimes())).toEqual([MODEL]);
  });

  it('says which model failed to load, and does not count it as loaded', async () => {
    const pool = new FakePool(1, {
      answer: () => ({ ok: false, code: 'model_load_failed', detail: 'bad onnx file' }),
    });
    const { engine } = engineOn(pool);
    const err = await rejectionOf(engine.ensureModel(MODEL));
    expect(err).toBeInstanceOf(ModelLoadError);
    expect(err.message).toBe("Failed to load model 'kitten-tts-nano': bad onnx file");
    expect(engine.loadedModels()).toEqual([]);
  });

  it('sums the workers’ load, front-end and inference times over the chunks', async () => {
    let first = true;
    const pool = new FakePool(1, {
      answer: (task) => {
        if (task.kind !== 'chunk') return undefined;
        const loadMs = first ? 400 : 0;
        first = false;
        const samples = audioFor(task.text);
        return {
          ok: true,
          samples,
          words: [],
          loadMs,
          frontendMs: 10,
          inferenceMs: 30,
          wordsMs: 0,
        };
      },
    });
    const { engine } = engineOn(pool, {
      resolveModel: async () => ({ files: FILES, loadS: 1 }),
    });
    const { timings } = await engine.synthesize(request(sentences(3)));
    expect(timings.loadS).toBeCloseTo(1.4, 9);
    expect(timings.frontendS).toBeCloseTo(0.03, 9);
    expect(timings.inferenceS).toBeCloseTo(0.09, 9);
    expect(timings.generationS).toBeCloseTo(0.12, 9);
    expect(engine.loadedModels()).toEqual([MODEL]);
  });

  it('tells onSynthesis about each successful synthesis with its summary', async () => {
    const seen: Array<[SynthesisRequest, unknown]> = [];
    const pool = new FakePool(2);
    const { engine } = engineOn(pool, { onSynthesis: (req, summary) => seen.push([req, summary]) });
    const req = request(sentences(2));
    const summary = await engine.synthesizeEach(req, () => {});
    expect(seen).toEqual([[req, summary]]);
    await rejectionOf(
      engine.synthesize(request('Cancelled.', { signal: AbortSignal.abort(new Error('gone')) })),
    );
    expect(seen).toHaveLength(1);
  });
});

describe('PoolEngine.close', () => {
  it('refuses new work, lets queued and running chunks finish, then stops the pool', async () => {
    const events: string[] = [];
    const pool = new FakePool(1, { hold: true, events });
    const { engine } = engineOn(pool);
    const running = engine.synthesize(request('The first one.')).then(() => events.push('first'));
    const queued = engine.synthesize(request('The second one.')).then(() => events.push('second'));
    await pool.untilSent(1);
    await settle();
    expect(engine.stats().queued).toBe(1);
    const closed = engine.close().then(() => events.push('closed'));
    const refused = await rejectionOf(engine.synthesize(request('Too late.')));
    expect(refused).toBeInstanceOf(ShuttingDownError);
    await pool.finish(0);
    await pool.untilSent(2);
    await pool.finish(1);
    await Promise.all([running, queued, closed]);
    expect(events).toEqual(['first', 'second', 'pool destroyed', 'closed']);
    expect(pool.chunkTexts()).toEqual([
      ...planChunks('The first one.'),
      ...planChunks('The second one.'),
    ]);
  });
});

describe('PoolEngine with the synthesis cache', () => {
  const key = { voice: 'expr-voice-5-m' };
  it('gives a repeated chunk the same audio without a worker task', async () => {
    const pool = new FakePool(2);
    const { engine } = engineOn(pool, { cacheBytes: 1 << 20 });
    const first = await engine.synthesize(request('One moment, please.', key));
    const again = await engine.synthesize(request('One moment, please.', key));
    expect(pool.chunkTexts()).toEqual(['one moment, please.']); // normalized
    expect(again.samples).toEqual(first.samples);
    expect(engine.cacheStats()).toMatchObject({ hits: 1, misses: 1, entries: 1 });
  });

  it('keys on the text the model gets: normalized and raw are different chunks', async () => {
    const pool = new FakePool(2);
    const { engine } = engineOn(pool, { cacheBytes: 1 << 20 });
    await engine.synthesize(request('I have 2 cats.', key));
    await engine.synthesize(request('I have 2 cats.', { ...key, normalize: false }));
    await engine.synthesize(request('I have 2 cats.', { ...key, normalize: false }));
    expect(pool.chunkTexts()).toEqual(['i have two cats.', 'I have 2 cats.']);
  });

  it('keys on the voice and speed the graph receives, after the model’s aliases and priors', async () => {
    const pool = new FakePool(2);
    const { engine } = engineOn(pool, { cacheBytes: 1 << 20 });
    const aliased = { ...FILES, voiceAliases: { Bella: 'expr-voice-2-f' } };
    (engine as unknown as { options: PoolEngineOptions }).options.resolveModel = async () => ({
      files: aliased,
      loadS: 0,
    });
    await engine.synthesize(request('Hello there.', { voice: 'Bella' }));
    await engine.synthesize(request('Hello there.', { voice: 'expr-voice-2-f' })); // same voice
    await engine.synthesize(request('Hello there.', { voice: 'expr-voice-3-m' }));
    await engine.synthesize(request('Hello there.', { voice: 'Bella', speed: 1.5 }));
    expect(pool.chunkTexts()).toHaveLength(3);
  });

  it('sends every chunk to a worker when the cache is off', async () => {
    const pool = new FakePool(2);
    const { engine } = engineOn(pool);
    await engine.synthesize(request('One moment, please.', key));
    await engine.synthesize(request('One moment, please.', key));
    expect(pool.chunkTexts()).toHaveLength(2);
    expect(engine.cacheStats().entries).toBe(0);
  });
});

describe('PoolEngine: voice blends', () => {
  const voiceSent = (pool: FakePool) =>
    pool.sent.map((s) => (s.task.kind === 'chunk' ? s.task.voice : undefined));

  it('hands the worker exactly the same voice for a blend of a voice with itself', async () => {
    const pool = new FakePool(1);
    const { engine } = engineOn(pool);
    await engine.synthesize(request('Hello there.', { voice: 'Luna' }));
    await engine.synthesize(request('Hello there.', { voice: 'Luna(1)+Luna(1)' }));
    await engine.synthesize(request('Hello there.', { voice: 'Luna(3) + expr-voice-3-f(0.5)' }));
    const [plain, ...blends] = voiceSent(pool);
    expect(plain).toEqual({ mix: [{ key: 'expr-voice-3-f', weight: 1 }], speed: 1 });
    for (const blend of blends) expect(blend).toEqual(plain);
  });

  it('hands the worker normalized weights, sorted by key, and the weighted mean of the priors', async () => {
    const pool = new FakePool(1);
    const priors = { 'expr-voice-3-f': 0.8, 'expr-voice-2-m': 1.4 };
    const { engine } = engineOn(pool, {
      resolveModel: async () => ({ files: { ...FILES, speedPriors: priors }, loadS: 0 }),
    });
    await engine.synthesize(request('Hello there.', { voice: 'Luna(2)+Jasper(1)', speed: 1.5 }));
    expect(voiceSent(pool)).toEqual([
      {
        mix: [
          { key: 'expr-voice-2-m', weight: 1 / 3 },
          { key: 'expr-voice-3-f', weight: 2 / 3 },
        ],
        speed: Math.fround(1.5 * ((1 / 3) * 1.4 + (2 / 3) * 0.8)),
      },
    ]);
  });

  it('resolves a saved voice to the same voice as its blend, sharing cache entries', async () => {
    const pool = new FakePool(1);
    const saved = (name: string) => (name === 'Narrator' ? 'Luna(2)+Jasper(1)' : undefined);
    const { engine } = engineOn(pool, { cacheBytes: 1 << 20, savedVoice: saved });
    const a = await engine.synthesize(request('Hello there.', { voice: 'Narrator' }));
    const b = await engine.synthesize(request('Hello there.', { voice: 'Jasper(1)+Luna(2)' }));
    expect(pool.sent).toHaveLength(1);
    expect(b.samples).toEqual(a.samples);
    expect(engine.cacheStats()).toMatchObject({ hits: 1, misses: 1 });
  });

  it('refuses an unknown name inside a blend with a 400 naming it, before any worker task', async () => {
    const pool = new FakePool(1);
    const { engine } = engineOn(pool);
    const err = await rejectionOf(
      engine.synthesize(request('Hello there.', { voice: 'Luna(1)+Nobody(2)' })),
    );
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.message).toMatch(/Nobody/);
    expect(pool.sent).toHaveLength(0);
  });
});
