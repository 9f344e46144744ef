// What a session's chunking rules see of it (chunk-policy.ts): the audio ahead of its listener,
// what a text costs to synthesize, and how long the shared queue is.
import type { SessionEngine } from '../engine/engine.js';
import type { ChunkingView } from './chunk-policy.js';

/**
 * `queuedAheadS`: audio ahead of the listener in the session's queue (delivered and not);
 * `contended`: more live listeners than workers (the session opener knows; tts-session-options.ts).
 */
export function chunkView(
  engine: SessionEngine,
  modelId: string,
  queuedAheadS: () => number,
  contended: () => boolean,
): ChunkingView {
  return {
    // Counting chunks the segmenter has just cut and not yet handed over.
    aheadS: (cut) => {
      let s = queuedAheadS();
      for (const text of cut) s += engine.estimateAudioS(modelId, text);
      return s;
    },
    costS: (text) => engine.estimateCostS(modelId, text),
    queueS: (inS) => engine.queueAheadS(engine.now() + inS * 1000),
    contended,
  };
}
