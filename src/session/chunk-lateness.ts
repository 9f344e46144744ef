// Why a chunk was late (the listener's audio ran out before it arrived): one cause per late chunk,
// decided in the order a fix would have to go, from the trace's times alone (a pure function).
//   text_late: its text was complete only after the audio before it had run out: the LLM was
//     late, nothing a server can do.
//   synthesis_longer_than_buffer: even started at once on an idle worker, its synthesis took
//     longer than the audio left when its text was complete: the chunk was too big for the buffer.
//   queue_wait: its synthesis would have fit, but it started too late (a queue, in-flight limits).
//   main_thread: it was synthesized in time and still reached the socket late (encoding, the event
//     loop).
export const LATE_CAUSES = [
  'text_late',
  'synthesis_longer_than_buffer',
  'queue_wait',
  'main_thread',
] as const;
export type LateCause = (typeof LATE_CAUSES)[number];

/** What the rule reads of a trace record (chunk-trace.ts), engine-clock ms. */
export interface Timed {
  readonly textCompleteMs: number;
  /** When the listener's audio before it ran out. */
  readonly neededAtMs?: number;
  /** Its synthesis on the worker alone. */
  readonly workerMs?: number;
  readonly synthesizedMs?: number;
  readonly cached?: boolean;
}

/** What the summary reads of a finished trace record. */
export interface Sent {
  readonly opensTurn?: boolean;
  readonly sentMs?: number;
  readonly stallMs?: number;
  readonly cause?: LateCause;
}

/** The cause of a late chunk (one whose `sentMs` came after its `neededAtMs`). */
export function classifyLate(r: Timed): LateCause {
  const needed = r.neededAtMs ?? r.textCompleteMs;
  if (r.textCompleteMs >= needed) return 'text_late';
  const synthMs = r.cached ? 0 : (r.workerMs ?? 0);
  if (synthMs > needed - r.textCompleteMs) return 'synthesis_longer_than_buffer';
  if (r.synthesizedMs !== undefined && r.synthesizedMs > needed) return 'queue_wait';
  return 'main_thread';
}

export interface LatenessSummary {
  /** Chunks after a turn's first that were sent (the ones that could stall). */
  chunks: number;
  late: number;
  stalledMs: number;
  longestStallMs: number;
  causes: Record<LateCause, number>;
}

/** Counts late chunks by cause over finished trace records (a turn's first chunk never stalls). */
export function decompose(records: Iterable<Sent>): LatenessSummary {
  const causes = Object.fromEntries(LATE_CAUSES.map((c) => [c, 0])) as Record<LateCause, number>;
  const summary = { chunks: 0, late: 0, stalledMs: 0, longestStallMs: 0, causes };
  for (const r of records) {
    if (r.opensTurn || r.sentMs === undefined) continue;
    summary.chunks++;
    if (r.stallMs === undefined || r.stallMs <= 0 || r.cause === undefined) continue;
    summary.late++;
    summary.stalledMs += r.stallMs;
    summary.longestStallMs = Math.max(summary.longestStallMs, r.stallMs);
    causes[r.cause]++;
  }
  return summary;
}

/** Adds one summary into another (levels of a benchmark gather many sessions'). */
export function addSummaries(into: LatenessSummary, from: LatenessSummary): LatenessSummary {
  into.chunks += from.chunks;
  into.late += from.late;
  into.stalledMs += from.stalledMs;
  into.longestStallMs = Math.max(into.longestStallMs, from.longestStallMs);
  for (const c of LATE_CAUSES) into.causes[c] += from.causes[c];
  return into;
}
