// Models on their way to the workers: a model id resolved to local files (a download, shared by
// concurrent callers, given up when shutdown drops waiting work), and how long each first load took.
import { ShuttingDownError } from '../errors.js';
import type { ModelFiles } from './protocol.js';

export interface ResolvedModel {
  files: ModelFiles;
  /** Seconds this call spent downloading/resolving (0 when already resolved). */
  loadS: number;
}

export class ModelLoads {
  private readonly loadTimes = new Map<string, number>();
  private dropped = false;
  /** Rejecters of the waits under way (a set, not abort listeners on one shared signal: every
   * synthesis waits here, so a busy gateway would pass Node's listener warning threshold). */
  private readonly waiting = new Set<() => void>();

  constructor(private readonly resolveModel: (modelId: string) => Promise<ResolvedModel>) {}

  /** The model's files; rejects with ShuttingDownError once waiting work was dropped. */
  resolve(modelId: string): Promise<ResolvedModel> {
    if (this.dropped) return Promise.reject(new ShuttingDownError());
    return new Promise((resolve, reject) => {
      const stop = () => reject(new ShuttingDownError());
      this.waiting.add(stop);
      this.resolveModel(modelId)
        .then(resolve, reject)
        .finally(() => this.waiting.delete(stop));
    });
  }

  /** Every wait for a model's files fails with ShuttingDownError, now and later. */
  drop(): void {
    this.dropped = true;
    for (const stop of this.waiting) stop();
    this.waiting.clear();
  }

  /** Records the first load that paid anything (download or session creation). */
  noteLoad(modelId: string, wallS: number, paidS: number): void {
    if (paidS > 0 && !this.loadTimes.has(modelId))
      this.loadTimes.set(modelId, Number(wallS.toFixed(3)));
  }

  /** Seconds the first successful load of each model took (download + session creation). */
  times(): Record<string, number> {
    return Object.fromEntries(this.loadTimes);
  }

  loaded(): string[] {
    return [...this.loadTimes.keys()];
  }
}

/** A worker's failure detail, naming the model when it was the load that failed. */
export function describeLoadFailure(modelId: string, detail: string, code: string): string {
  return code === 'model_load_failed' ? `Failed to load model '${modelId}': ${detail}` : detail;
}
