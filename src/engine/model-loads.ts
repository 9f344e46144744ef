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
  private readonly dropped = new AbortController();

  constructor(private readonly resolveModel: (modelId: string) => Promise<ResolvedModel>) {}

  /** The model's files; rejects with ShuttingDownError once waiting work was dropped. */
  resolve(modelId: string): Promise<ResolvedModel> {
    const gone = this.dropped.signal;
    if (gone.aborted) return Promise.reject(new ShuttingDownError());
    return new Promise((resolve, reject) => {
      const stop = () => reject(new ShuttingDownError());
      gone.addEventListener('abort', stop, { once: true });
      this.resolveModel(modelId)
        .then(resolve, reject)
        .finally(() => gone.removeEventListener('abort', stop));
    });
  }

  /** Every wait for a model's files fails with ShuttingDownError, now and later. */
  drop(): void {
    this.dropped.abort();
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
