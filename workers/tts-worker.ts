// piscina entry point: one worker thread, models loaded lazily and kept for the thread's life (their
// onnxruntime sessions renewed when the engine sends a `renew` task to the rested worker).
// Failures are returned as data ({ok:false, code, detail}) because Error classes don't survive
// postMessage. Imports piscina only for move() (zero-copy transfer of the audio buffer).
import { move, transferableSymbol, valueSymbol, workerData } from 'piscina';
import { FAULT_MARKERS } from '../src/engine/protocol.js';
import type {
  LoadResult,
  PhonemizeResult,
  ModelFiles,
  SynthesizeResult,
  TaskFailure,
  WorkerData,
  WorkerResult,
  WorkerTask,
} from '../src/engine/protocol.js';
import { markedFrontendChunk, type MarkedFrontendChunk } from '../src/kitten/marked-frontend.js';
import { createPhonemizer, type Phonemizer } from '../src/kitten/frontend/phonemize.js';
import { SessionRenewal } from '../src/kitten/session-renewal.js';
import { KittenSynthesizer, SynthesisInputError } from '../src/kitten/synthesizer.js';

const synthesizers = new Map<string, Promise<KittenSynthesizer>>();
let phonemizer: Promise<Phonemizer> | undefined;
const faultInjection = (workerData as WorkerData | undefined)?.faultInjection === true;
const cpuMemArena = (workerData as WorkerData | undefined)?.cpuMemArena ?? true;
const renewal = new SessionRenewal(async (key) => (await synthesizers.get(key))?.renew());

/** Test drills only (see FAULT_MARKERS): this thread dies the way a crashing one would. */
async function injectFault(text: string): Promise<void> {
  if (text.includes(FAULT_MARKERS.exit)) process.exit(70);
  if (text.includes(FAULT_MARKERS.uncaught)) {
    // Thrown outside the task's promise chain, as a bug in a callback would be: nothing catches
    // it, the thread dies, and this task never settles on its own.
    setImmediate(() => {
      throw new Error('injected uncaught exception');
    });
    await new Promise<never>(() => {});
  }
}

function modelKey(files: ModelFiles, threads: number): string {
  return `${files.id}\u0000${files.modelPath}\u0000${threads}`;
}

/** Loads (once per thread) the model; returns it and the milliseconds this call paid. */
async function getSynthesizer(
  files: ModelFiles,
  threads: number,
): Promise<[KittenSynthesizer, number]> {
  const key = modelKey(files, threads);
  let pending = synthesizers.get(key);
  let loadMs = 0;
  if (!pending) {
    const t0 = performance.now();
    pending = KittenSynthesizer.load(files, threads, { cpuMemArena });
    synthesizers.set(key, pending);
    // A failed load is forgotten so the next request retries.
    pending.catch(() => synthesizers.delete(key));
    await pending;
    loadMs = performance.now() - t0;
  }
  return [await pending, loadMs];
}

function failure(err: unknown, fallbackCode: string): TaskFailure {
  if (err instanceof SynthesisInputError) return { ok: false, code: err.code, detail: err.message };
  const detail = err instanceof Error ? err.message : String(err);
  return { ok: false, code: fallbackCode, detail };
}

async function synthesizeChunk(
  task: Extract<WorkerTask, { kind: 'chunk' }>,
): Promise<SynthesizeResult> {
  let synth: KittenSynthesizer;
  let loadMs: number;
  try {
    phonemizer ??= createPhonemizer();
    [synth, loadMs] = await getSynthesizer(task.model, task.threads);
  } catch (err) {
    return failure(err, 'model_load_failed');
  }
  if (faultInjection) await injectFault(task.text);
  try {
    const out = await synth.synthesizeResolved(task.text, task.voice, await phonemizer);
    const { samples, frontendMs, inferenceMs, wordsMs, wordsError } = out;
    const words = out.chunks[0]?.words ?? [];
    const result: SynthesizeResult = {
      ok: true,
      loadMs,
      samples,
      words,
      frontendMs,
      inferenceMs,
      wordsMs,
      ...(wordsError === undefined ? {} : { wordsError }),
    };
    // piscina's Transferable protocol: the value travels with its audio buffer moved, not copied.
    const movable = { [transferableSymbol]: [out.samples.buffer], [valueSymbol]: result };
    return move(movable as never) as unknown as SynthesizeResult;
  } catch (err) {
    return failure(err, 'inference_failed');
  }
}

async function load(task: Extract<WorkerTask, { kind: 'load' }>): Promise<LoadResult> {
  try {
    const [, loadMs] = await getSynthesizer(task.model, task.threads);
    return { ok: true, loadMs };
  } catch (err) {
    return failure(err, 'model_load_failed');
  }
}

/** The front-end alone: planned chunks, their phonemes and input_ids (no model needed). */
async function phonemizeText(
  task: Extract<WorkerTask, { kind: 'phonemize' }>,
): Promise<PhonemizeResult> {
  try {
    phonemizer ??= createPhonemizer();
    const ready = await phonemizer;
    const chunks: MarkedFrontendChunk[] = [];
    for (const chunk of task.chunks) chunks.push(await markedFrontendChunk(chunk, ready));
    return {
      ok: true,
      chunks: chunks.map((c) => ({ text: c.text, phonemes: c.phonemes, inputIds: c.inputIds })),
    };
  } catch (err) {
    return failure(err, 'inference_failed');
  }
}

export default async function handle(task: WorkerTask): Promise<WorkerResult> {
  switch (task.kind) {
    case 'ping':
      return { ok: true, loadMs: 0, renewals: renewal.renewals };
    case 'renew': {
      const renewed = await renewal.renewRan();
      return { ok: true, loadMs: 0, renewals: renewal.renewals, renewed };
    }
    case 'phonemize':
      return await phonemizeText(task);
    case 'chunk': {
      const result = await synthesizeChunk(task);
      // A success is piscina's transfer wrapper (its `ok` is inside), a failure a plain object.
      if (result.ok !== false) renewal.noteRan(modelKey(task.model, task.threads));
      return result;
    }
    case 'load':
      return await load(task);
    default:
      return { ok: false, code: 'bad_request', detail: `unknown task kind` };
  }
}
