// Speed side of worker-memory.ts: one worker thread with one onnxruntime session under the given
// memory options, in its own process (so allocator settings in its environment apply to it alone),
// synthesizing on demand over IPC; the parent alternates between such processes so drift on a
// shared machine hits all. Each answer carries the worker thread's own CPU time for the run.
import { Worker } from 'node:worker_threads';
import type { ThreadOptions } from './worker-memory-thread.js';

const TSX_API = import.meta.resolve('tsx/esm/api');
const spec = JSON.parse(process.argv[2]!) as { modelDir: string; options: ThreadOptions };
const entry = new URL('./worker-memory-thread.ts', import.meta.url).href;
const worker = new Worker(
  `import(${JSON.stringify(TSX_API)}).then((tsx) => tsx.register()).then(() => import(${JSON.stringify(entry)}))`,
  { eval: true, workerData: spec },
);
worker.on('message', (msg: unknown) => process.send!(msg));
worker.on('error', (err) => {
  console.error(err);
  process.exit(1);
});
process.on('message', (msg: unknown) => worker.postMessage(msg));
process.on('disconnect', () => process.exit(0));
