// Turn-level admission for real-time sessions: a session admitted earlier may open a new turn when
// the workers already serve as many playing listeners as they can (each consumes up to one audio
// second per second; the workers make the measured audio-s/s, or the operator's fixed cap). Such a
// turn is not started at once (it would be due now and take the workers from every listener
// already playing): it waits in line, first come first served, and is told its place and expected
// wait; it starts as soon as an active turn ends. The derived cap counts every active turn as a
// listener playing a full audio second per second, which bursts exceed while the workers keep up
// (chunks are made ahead of need): so it binds only while the workers are behind, i.e. the
// real-time work due within the next second already needs more than a second of every worker.
// An operator's fixed cap always binds.

export interface TurnAdmissionOptions {
  /** Turns synthesizing or delivering at once; 0 derives it from the measured speed. */
  maxActiveTurns: number;
  /** Audio seconds all workers make per second; undefined before anything was measured. */
  measuredAudioSPerS: () => number | undefined;
  /** Never derive a cap below this (one per worker). */
  minTurns: number;
  /** The workers are behind on real-time work (default: always, so the derived cap binds). */
  behind?: () => boolean;
  now?: () => number;
}

/** A turn's place: started, or in line until `ready` resolves. */
export interface TurnTicket {
  /** It may start at once. */
  readonly started: boolean;
  /** Its place in line (1 = next), 0 when started at once. */
  readonly position: number;
  /** Seconds it is expected to wait (0 when started at once). */
  readonly expectedWaitS: number;
  /** Resolves when the turn may start (already resolved when started at once). */
  readonly ready: Promise<void>;
  /** The turn is over, or abandoned while in line: its slot or its place goes. Idempotent. */
  release(): void;
}

/** How long a turn is assumed to last before any has ended (seconds). */
const DEFAULT_TURN_S = 5;
const TURN_ALPHA = 0.2;

interface Waiter {
  start: () => void;
}

export class TurnAdmission {
  private active = 0;
  private readonly line: Waiter[] = [];
  private meanTurnMs: number | undefined;
  private readonly now: () => number;

  constructor(private readonly options: TurnAdmissionOptions) {
    this.now = options.now ?? Date.now;
  }

  get activeTurns(): number {
    return this.active;
  }

  get waitingTurns(): number {
    return this.line.length;
  }

  /** The current cap (Infinity while derived and nothing is measured yet). */
  cap(): number {
    if (this.options.maxActiveTurns > 0) return this.options.maxActiveTurns;
    const speed = this.options.measuredAudioSPerS();
    if (speed === undefined) return Infinity;
    return Math.max(this.options.minTurns, Math.floor(speed));
  }

  /** A session opens a turn: it starts now if a slot is free and nobody waits, else it queues. */
  open(): TurnTicket {
    let startedAtMs: number | undefined;
    let done = false;
    const start = () => {
      this.active++;
      startedAtMs = this.now();
    };
    const release = () => {
      if (done) return;
      done = true;
      if (startedAtMs === undefined) {
        const i = this.line.indexOf(waiter);
        if (i >= 0) this.line.splice(i, 1);
        return;
      }
      this.active--;
      this.noteTurn(this.now() - startedAtMs);
      this.admitWaiting();
    };
    let resolve: () => void = () => {};
    const ready = new Promise<void>((r) => (resolve = r));
    const waiter: Waiter = { start: () => (start(), resolve()) };
    this.admitWaiting();
    if (this.line.length === 0 && !this.full()) {
      waiter.start();
      return { started: true, position: 0, expectedWaitS: 0, ready, release };
    }
    this.line.push(waiter);
    const position = this.line.length;
    return {
      started: false,
      position,
      expectedWaitS: this.expectedWaitS(position),
      ready,
      release,
    };
  }

  /** No turn may start now: the fixed cap is reached, or the derived one while workers are behind. */
  private full(): boolean {
    if (this.active < this.cap()) return false;
    return this.options.maxActiveTurns > 0 || (this.options.behind?.() ?? true);
  }

  /** Starts turns in line while slots are free (a slot freed, or the measured cap grew). */
  private admitWaiting(): void {
    while (this.line.length > 0 && !this.full()) this.line.shift()!.start();
  }

  /** Turns end one per mean turn ÷ active turns: the wait for `position` is that many of them. */
  private expectedWaitS(position: number): number {
    const turnS = this.meanTurnMs === undefined ? DEFAULT_TURN_S : this.meanTurnMs / 1000;
    const slots = Math.max(1, Math.min(this.active, this.cap()));
    return Math.round((position * turnS * 10) / slots) / 10;
  }

  private noteTurn(ms: number): void {
    this.meanTurnMs =
      this.meanTurnMs === undefined ? ms : this.meanTurnMs + TURN_ALPHA * (ms - this.meanTurnMs);
  }
}

/** What a session tells its door about a turn that waits (the WebSocket door sends it on). */
export type TurnNotice =
  | { readonly type: 'turn_queued'; readonly position: number; readonly expectedWaitS: number }
  | { readonly type: 'turn_started'; readonly waitedS: number };

/**
 * One session's hold on a turn slot: taken when the session's first chunk of a turn is about to
 * be queued, given back when the turn is over (all its chunks delivered, or cancelled, or closed).
 * While the turn waits in line the session's chunks are held back from the engine.
 */
export class TurnGate {
  private ticket: TurnTicket | undefined;

  constructor(
    private readonly admit: (() => TurnTicket) | undefined,
    private readonly hooks: {
      hold: (held: boolean) => void;
      notice: (notice: TurnNotice) => void;
      now: () => number;
    },
  ) {}

  /** A chunk is about to be queued: the turn needs a slot (kept if it holds one already). */
  opening(): void {
    if (!this.admit || this.ticket) return;
    const ticket = this.admit();
    this.ticket = ticket;
    if (ticket.started) return;
    const queuedAtMs = this.hooks.now();
    this.hooks.hold(true);
    this.hooks.notice({
      type: 'turn_queued',
      position: ticket.position,
      expectedWaitS: ticket.expectedWaitS,
    });
    void ticket.ready.then(() => {
      if (this.ticket !== ticket) return; // released (cancelled, closed) while in line
      this.hooks.hold(false);
      const waitedS = Math.round(this.hooks.now() - queuedAtMs) / 1000;
      this.hooks.notice({ type: 'turn_started', waitedS });
    });
  }

  /** The turn is over: its slot (or its place in line) goes, and nothing is held back. */
  release(): void {
    const ticket = this.ticket;
    if (!ticket) return;
    this.ticket = undefined;
    ticket.release();
    this.hooks.hold(false);
  }
}
