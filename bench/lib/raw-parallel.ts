// The machine's own ceiling for parallel inference: N worker threads, each with its own one-thread
// onnxruntime session (no HTTP, no gateway), running the same sentence K times at once. Dividing
// the gateway's scaling by this one separates what the gateway loses from what the cores give.
import { Worker } from 'node:worker_threads';

const TSX_API = import.meta.resolve('tsx/esm/api');

export interface RawParallelResult {
  threads: number;
  synthesesPerS: number;
}

export async function rawParallel(
  modelDir: string,
  text: string,
  threads: number,
  runsPerThread: number,
): Promise<RawParallelResult> {
  const entry = new URL('./raw-parallel-worker.ts', import.meta.url).href;
  // A JavaScript bootstrap registers tsx's hooks in the worker, then imports the TypeScript entry
  // (an --import in a worker's execArgv is not applied on Node 20).
  const workers = Array.from(
    { length: threads },
    () =>
      new Worker(
        `import(${JSON.stringify(TSX_API)}).then((tsx) => tsx.register()).then(() => import(${JSON.stringify(entry)}))`,
        {
          eval: true,
          workerData: { modelDir, text, runs: runsPerThread },
        },
      ),
  );
  try {
    const message = (w: Worker) =>
      new Promise<unknown>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      });
    await Promise.all(workers.map(message)); // loaded and warmed
    const t0 = performance.now();
    const done = Promise.all(workers.map(message));
    for (const w of workers) w.postMessage('go');
    await done;
    return {
      threads,
      synthesesPerS: (threads * runsPerThread) / ((performance.now() - t0) / 1000),
    };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
