// A synthesis's summary from its chunks' outcomes: audio length, words per chunk, and where the
// time went (load, front-end, inference, the first chunk's wait for a worker).
import type { SynthesisSummary } from './engine.js';
import type { ChunkOutcome } from './chunk-job.js';
import { SAMPLE_RATE_HZ } from './protocol.js';

export function summarizeSynthesis(
  chunks: readonly string[],
  outcomes: readonly ChunkOutcome[],
  loadS: number,
  elapsedMs: number,
): SynthesisSummary {
  const sum = (f: (o: ChunkOutcome) => number) => outcomes.reduce((s, o) => s + f(o), 0);
  return {
    cached: outcomes.every((o) => o.cached),
    sampleRateHz: SAMPLE_RATE_HZ,
    durationS: sum((o) => o.samples) / SAMPLE_RATE_HZ,
    chunks: chunks.map((text, i) => ({
      text,
      samples: outcomes[i]!.samples,
      words: outcomes[i]!.words,
    })),
    timings: {
      loadS,
      generationS: sum((o) => o.frontendMs + o.inferenceMs) / 1000,
      frontendS: sum((o) => o.frontendMs) / 1000,
      inferenceS: sum((o) => o.inferenceMs) / 1000,
      queueS: Math.min(elapsedMs / 1000, (outcomes[0]?.queueMs ?? 0) / 1000),
    },
  };
}
