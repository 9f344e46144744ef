// Measured speed per model: audio seconds per input character and worker milliseconds per
// character, as exponentially weighted averages over finished chunks. The scheduler's cost
// estimates, the sessions' deadlines and admission control all read these.

export interface SpeedSample {
  readonly chars: number;
  readonly audioS: number;
  readonly workerMs: number;
}

/** Priors before anything was measured: the nano stand-in on one core of a 2-core machine. */
export const DEFAULT_SPEED_PRIOR = Object.freeze({ audioSPerChar: 0.06, workerMsPerChar: 6 });

/** Weight of each new sample: ~the last 20 chunks dominate. */
const ALPHA = 0.1;

interface Rates {
  audioSPerChar: number;
  workerMsPerChar: number;
  samples: number;
}

export class SpeedEstimator {
  private readonly models = new Map<string, Rates>();

  observe(modelId: string, sample: SpeedSample): void {
    if (!(sample.chars > 0) || !(sample.workerMs > 0) || !(sample.audioS >= 0)) return;
    const audio = sample.audioS / sample.chars;
    const cost = sample.workerMs / sample.chars;
    const r = this.models.get(modelId);
    if (!r) {
      this.models.set(modelId, { audioSPerChar: audio, workerMsPerChar: cost, samples: 1 });
      return;
    }
    // The first few samples count fully, so one odd chunk (a cold start) does not linger.
    const a = Math.max(ALPHA, 1 / (r.samples + 1));
    r.audioSPerChar += a * (audio - r.audioSPerChar);
    r.workerMsPerChar += a * (cost - r.workerMsPerChar);
    r.samples++;
  }

  audioS(modelId: string, chars: number): number {
    return chars * (this.models.get(modelId)?.audioSPerChar ?? DEFAULT_SPEED_PRIOR.audioSPerChar);
  }

  costMs(modelId: string, chars: number): number {
    return (
      chars * (this.models.get(modelId)?.workerMsPerChar ?? DEFAULT_SPEED_PRIOR.workerMsPerChar)
    );
  }

  /** Audio seconds one worker makes per second with the most-measured model; undefined before any. */
  audioSPerWorkerS(): number | undefined {
    let best: Rates | undefined;
    for (const r of this.models.values()) if (!best || r.samples > best.samples) best = r;
    return best ? (best.audioSPerChar * 1000) / best.workerMsPerChar : undefined;
  }
}
