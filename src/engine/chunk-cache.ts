// Where a chunk's audio comes from before any worker is asked: a pause tag is silence made here,
// and a cached chunk (or one already being made for someone else) never waits for a worker.
import type { ChunkJob, MadeChunk, ResolvedRequest } from './chunk-job.js';
import { silenceFor } from './plan-request.js';
import type { ModelFiles } from './protocol.js';
import { chunkKey, type SynthesisCache } from './synthesis-cache.js';

/** What a worker made for a chunk (everything but whether it was cached). */
export type WorkerChunk = Omit<MadeChunk, 'cached'>;

export async function chunkFromCache(
  cache: SynthesisCache,
  request: ResolvedRequest,
  files: ModelFiles,
  text: string,
  job: ChunkJob,
  onWorker: (deadlineMs: () => number) => Promise<WorkerChunk>,
): Promise<MadeChunk> {
  // Ready at once, as a cache hit is: no worker, no cache.
  const silence = silenceFor(text);
  if (silence) {
    const free = { loadMs: 0, frontendMs: 0, inferenceMs: 0, queueMs: 0, cached: true };
    return { audio: silence, words: [], ...free };
  }
  const key = cache.enabled ? chunkKey({ files, voice: request.resolvedVoice, text }) : undefined;
  let outcome = { loadMs: 0, frontendMs: 0, inferenceMs: 0, queueMs: 0 };
  const { audio, words, hit } = await cache.get(
    key,
    async (deadlineMs) => {
      // Due by the earliest deadline of everyone waiting for this chunk, not the first asker's.
      const made = await onWorker(deadlineMs);
      outcome = made;
      return made;
    },
    job.deadlineMs,
    job.signal,
  );
  return { ...outcome, audio, words, cached: hit };
}
