// A scheduler over fake workers on a fake clock: every started job waits until the test finishes it.
import { Scheduler, type JobKind, type SchedulerOptions } from '../../src/engine/scheduler.js';

/** Fake workers on a fake clock: every started job waits until the test finishes it. */
export function harness(options: Partial<SchedulerOptions> & { workers: number }) {
  let t = 0;
  const started: Array<{ name: string; worker: number; at: number; finish: () => void }> = [];
  const scheduler = new Scheduler({ now: () => t, ...options });
  const submit = (
    name: string,
    spec: {
      kind?: JobKind;
      deadline: number | (() => number);
      model?: string;
      signal?: AbortSignal;
    },
  ) =>
    scheduler.submit(
      {
        kind: spec.kind ?? 'realtime',
        deadlineMs:
          typeof spec.deadline === 'function' ? spec.deadline : () => spec.deadline as number,
        estCostMs: 100,
        modelKey: spec.model ?? 'nano',
        group: name,
        signal: spec.signal,
      },
      (worker) =>
        new Promise<string>((resolve) => {
          started.push({ name, worker, at: t, finish: () => resolve(name) });
        }),
    );
  const finish = async (name: string) => {
    started.find((s) => s.name === name)!.finish();
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  };
  return {
    scheduler,
    submit,
    finish,
    started,
    names: () => started.map((s) => s.name),
    advance: (ms: number) => (t += ms),
  };
}
