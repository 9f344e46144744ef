// Worker side of worker-memory-child.ts: one onnxruntime session with the memory options it is
// given; each message is a text to synthesize (cut at `maxChunkChars` the way chunkText cuts).
import { parentPort, workerData } from 'node:worker_threads';
import { loadRawModel } from './raw-model.js';

const { modelDir, options } = workerData as {
  modelDir: string;
  options: { cpuMemArena?: boolean; memPattern?: boolean };
};
const raw = await loadRawModel(modelDir, 1, options);
parentPort!.on('message', (msg: { text: string; maxChunkChars: number }) => {
  void (async () => {
    const inputs = await raw.prepare(msg.text, msg.maxChunkChars);
    const out = await raw.infer(inputs);
    parentPort!.postMessage({ ...out, pieces: inputs.length });
  })();
});
parentPort!.postMessage('ready');
