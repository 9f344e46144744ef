// Speed side of worker-memory.ts: one onnxruntime session under the given memory options in its
// own process (so allocator settings in its environment apply to it alone), synthesizing on demand
// over IPC; the parent alternates between such processes so drift on a shared machine hits all.
import { loadRawModel } from './raw-model.js';

const spec = JSON.parse(process.argv[2]!) as {
  modelDir: string;
  options: { cpuMemArena?: boolean; memPattern?: boolean };
};
const raw = await loadRawModel(spec.modelDir, 1, spec.options);
process.on('message', (msg: { text: string; maxChunkChars: number }) => {
  void (async () => {
    const inputs = await raw.prepare(msg.text, msg.maxChunkChars);
    const out = await raw.infer(inputs);
    process.send!(out);
  })();
});
process.send!('ready');
