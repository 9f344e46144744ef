// Worker side of worker-memory-child.ts and worker-memory-speed-child.ts: one onnxruntime session
// with the memory options it is given. A message is a text to synthesize (cut at `maxChunkChars`
// the way chunkText cuts), answered with this thread's own CPU time for the run (read from
// /proc/thread-self, which names the calling thread), or `recreate`: the session is released and
// loaded again, as a worker that gives back its memory after being idle does.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { LoadOnnxTtsModelOptions } from '../../src/kitten/onnx.js';
import { loadRawModel, type RawModel } from './raw-model.js';

export type ThreadOptions = Pick<LoadOnnxTtsModelOptions, 'cpuMemArena' | 'memPattern' | 'extra'>;

const { modelDir, options } = workerData as { modelDir: string; options: ThreadOptions };

/** This thread's user + system CPU so far, in ms (clock ticks of 10 ms). */
function threadCpuMs(): number {
  const stat = readFileSync('/proc/thread-self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const raw: RawModel = await loadRawModel(modelDir, 1, options);
parentPort!.on('message', (msg: { text: string; maxChunkChars: number } | 'recreate') => {
  void (async () => {
    if (msg === 'recreate') {
      const cpu0 = threadCpuMs();
      await raw.reload();
      parentPort!.postMessage({ cpuMs: threadCpuMs() - cpu0 });
      return;
    }
    const inputs = await raw.prepare(msg.text, msg.maxChunkChars);
    const cpu0 = threadCpuMs();
    const out = await raw.infer(inputs);
    parentPort!.postMessage({ ...out, cpuMs: threadCpuMs() - cpu0, pieces: inputs.length });
  })();
});
parentPort!.postMessage('ready');
