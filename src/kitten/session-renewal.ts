// What a worker thread renews when the engine asks (a `renew` task, sent by the engine's
// IdleRenewer once the worker has rested): each model that ran since the last renewal gets a new
// session (see KittenSynthesizer.renew), so the working set onnxruntime's CPU arena grew to for the
// longest chunk goes back instead of staying for the thread's life.
export class SessionRenewal {
  private readonly ran = new Set<string>();
  /** Sessions renewed so far (the answer to a ping or a renew task carries it). */
  renewals = 0;

  constructor(private readonly renew: (key: string) => Promise<void>) {}

  /** A synthesis ran on the model `key`: its session is renewed at the next renewal. */
  noteRan(key: string): void {
    this.ran.add(key);
  }

  /**
   * Renews every model that ran since the last renewal; one whose load fails is tried again next
   * time. Resolves with how many were renewed.
   */
  async renewRan(): Promise<number> {
    const before = this.renewals;
    const keys = [...this.ran];
    this.ran.clear();
    for (const key of keys) {
      try {
        await this.renew(key);
        this.renewals++;
      } catch {
        // The old session stays in use (renew changes nothing when the load fails).
        this.ran.add(key);
      }
    }
    return this.renewals - before;
  }
}
