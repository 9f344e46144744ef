// One memory probe for worker-memory.ts, in its own process so its RSS is its own: N worker
// threads, each with one onnxruntime session under the given memory options, synthesize one text
// of each length in turn (all threads at once); the process's RSS is read after each length, then
// after the threads re-create their sessions (as after an idle release), then after a short run.
import { Worker } from 'node:worker_threads';
import { procStatus } from './proc-status.js';
import type { ThreadOptions } from './worker-memory-thread.js';

export interface ProbeSpec {
  modelDir: string;
  workers: number;
  options: ThreadOptions;
  maxChunkChars: number;
  texts: string[];
}

export interface ProbeReport {
  /** RSS (bytes) with the threads' sessions loaded, before any synthesis. */
  loaded: number;
  /** RSS after each text (the kernel's VmRSS, read 1 s after the threads finished). */
  after: number[];
  /** RSS after each thread released its session and created it again. */
  recreated?: number;
  /** RSS after one more run of the shortest text on the re-created sessions. */
  rewarmed?: number;
}

const TSX_API = import.meta.resolve('tsx/esm/api');

const rss = () => procStatus('self');

const spec = JSON.parse(process.argv[2]!) as ProbeSpec;
const entry = new URL('./worker-memory-thread.ts', import.meta.url).href;
const workers = Array.from(
  { length: spec.workers },
  () =>
    new Worker(
      `import(${JSON.stringify(TSX_API)}).then((tsx) => tsx.register()).then(() => import(${JSON.stringify(entry)}))`,
      { eval: true, workerData: { modelDir: spec.modelDir, options: spec.options } },
    ),
);
const next = (w: Worker) =>
  new Promise<unknown>((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
await Promise.all(workers.map(next));
await pause(1000);
const report: ProbeReport = { loaded: rss(), after: [] };
for (const text of spec.texts) {
  const done = Promise.all(workers.map(next));
  for (const w of workers) w.postMessage({ text, maxChunkChars: spec.maxChunkChars });
  await done;
  await pause(1000);
  report.after.push(rss());
}
const all = async (msg: unknown) => {
  const done = Promise.all(workers.map(next));
  for (const w of workers) w.postMessage(msg);
  await done;
  await pause(1000);
  return rss();
};
report.recreated = await all('recreate');
report.rewarmed = await all({ text: spec.texts[0], maxChunkChars: spec.maxChunkChars });
await Promise.all(workers.map((w) => w.terminate()));
process.stdout.write(`${JSON.stringify(report)}\n`);
