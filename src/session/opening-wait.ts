// merge: a short opening held back goes out alone if nothing follows it within the wait.

export class OpeningWait {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly waitMs: number) {}

  /** Runs `release` once the wait is over, unless stopped first; a wait under way stays. */
  start(release: () => void): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      release();
    }, this.waitMs);
    this.timer.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
