// What the scheduler schedules and what a policy sees of it: jobs (one model chunk each) and
// workers. Types only, in their own file so the scheduler and its policies (edf-policy.ts) both
// import them without importing each other.
export type JobKind = 'realtime' | 'oneshot';

export interface JobSpec {
  /** realtime: a listener is playing this audio; oneshot: a whole answer is awaited. */
  readonly kind: JobKind;
  /** When this chunk's audio is needed (clock ms). Read at every decision: it may move. */
  deadlineMs(): number;
  /** Estimated worker time (ms), for admission and for the policy's view of running work. */
  readonly estCostMs: number;
  /** What must be loaded on a worker to run it (a warm worker wins ties). */
  readonly modelKey: string;
  /** The session or request the job belongs to (policies may keep a group's jobs together). */
  readonly group: string;
  /** The first chunk of a turn: a listener is waiting for first audio. */
  readonly opensTurn?: boolean;
  readonly signal?: AbortSignal | undefined;
}

export interface QueuedJob extends JobSpec {
  /** Submission order (FIFO tie-break). */
  readonly seq: number;
  readonly queuedAtMs: number;
}

export interface WorkerView {
  readonly id: number;
  readonly busy: boolean;
  /** Model keys this worker has run (and so has loaded). */
  readonly warm: ReadonlySet<string>;
  /** The running job, if any, and when it started. */
  readonly running: { readonly job: QueuedJob; readonly startedAtMs: number } | undefined;
  /** Upkeep under way (Scheduler.maintain): when it started and how long it is expected to take. */
  readonly upkeep: { readonly startedAtMs: number; readonly estMs: number } | undefined;
}
