// When a worker's sessions are renewed: once the thread has had no task for `idleMs` after
// synthesizing, each model that ran since its last renewal gets a new session (see
// KittenSynthesizer.renew), so the working set onnxruntime's CPU arena grew to for the longest
// chunk goes back instead of staying for the thread's life. 0 turns it off.
export class IdleRenewal {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly ran = new Set<string>();
  private inFlight: Promise<void> = Promise.resolve();
  /** Sessions renewed so far (a test and a benchmark read it through the worker's ping). */
  renewals = 0;

  constructor(
    private readonly idleMs: number,
    private readonly renew: (key: string) => Promise<void>,
  ) {}

  /** A task reached the thread: nothing is renewed while it runs. */
  taskStarted(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** A task ended; `synthesizedWith` names the model it ran, if it ran one. */
  taskEnded(synthesizedWith?: string): void {
    if (this.idleMs <= 0) return;
    if (synthesizedWith !== undefined) this.ran.add(synthesizedWith);
    if (this.ran.size === 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => (this.inFlight = this.renewRan()), this.idleMs);
    // An idle thread waits for its next task anyway; this timer alone must not hold it open.
    this.timer.unref();
  }

  /**
   * Settles once no renewal is under way. The thread must not be terminated while onnxruntime
   * loads a session, so the pool's last ping before stopping waits for this.
   */
  settled(): Promise<void> {
    return this.inFlight;
  }

  private async renewRan(): Promise<void> {
    this.timer = undefined;
    const keys = [...this.ran];
    this.ran.clear();
    for (const key of keys) {
      try {
        await this.renew(key);
        this.renewals++;
      } catch {
        // The old session stays in use (renew changes nothing when the load fails); the next
        // idle period tries again.
        this.ran.add(key);
      }
    }
  }
}
