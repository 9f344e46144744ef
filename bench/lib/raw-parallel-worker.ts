// Worker side of raw-parallel.ts: load the model, warm it once, say ready; on 'go' run the
// sentence `runs` times and say done.
import { parentPort, workerData } from 'node:worker_threads';
import { loadRawModel } from './raw-model.js';

const { modelDir, text, runs } = workerData as { modelDir: string; text: string; runs: number };
const raw = await loadRawModel(modelDir, 1);
const inputs = await raw.prepare(text);
await raw.infer(inputs);
parentPort!.once('message', () => {
  void (async () => {
    for (let i = 0; i < runs; i++) await raw.infer(inputs);
    parentPort!.postMessage('done');
  })();
});
parentPort!.postMessage('ready');
