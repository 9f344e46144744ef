// The service target a voice agent is judged by (issue "Real time under load, round 2"), the way
// video streaming judges playback: TTFA p90 ≤ max(1.0 s, solo p90 + 0.3 s) from the first token
// sent; rebuffering ratio (stalled time ÷ audio played) ≤ max(1%, solo's + 0.5 point); nobody
// refused and no turn failed. Also: a level's summary from its conversations, the TTFA floor per
// turn, and the server trace's lateness decomposition.
import type { ConversationResult, TracedChunk, TurnRecord } from './conversation.js';
import { percentile } from './stats.js';

export const TARGET_TEXT =
  'TTFA p90 ≤ max(1.0 s, solo p90 + 0.3 s); rebuffering ≤ max(1%, solo + 0.5 point); nobody refused, no turn failed';
export const MIN_LEVEL_S = 60;

export const CAUSES = [
  'text_late',
  'synthesis_longer_than_buffer',
  'queue_wait',
  'main_thread',
] as const;

export interface Level {
  conversations: number;
  turns: number;
  refused: number;
  failedTurns: number;
  ttfaP50Ms: number;
  ttfaP90Ms: number;
  ttfaMaxMs: number;
  /** TTFA floor p50/p90: the deciding token's arrival + the first chunk's synthesis when idle. */
  floorP50Ms: number;
  floorP90Ms: number;
  underruns: number;
  chunks: number;
  stalledMs: number;
  longestStallMs: number;
  audioS: number;
  rebufferingRatio: number;
  /** Late chunks by cause, as the server's trace saw them (undefined: no trace). */
  causes: Record<(typeof CAUSES)[number], number> | undefined;
  healthP99Ms: number;
  demandAudioSPerS: number;
  lagP99Ms: number;
  /** [TTFA ms, floor ms, chunks, underruns, stalled ms] per turn. */
  perTurn: Array<[number, number, number, number, number]>;
}

/** Idle synthesis ms of a chunk of `chars` characters: ms = a + b·chars, fitted on solo chunks. */
export type CostModel = (chars: number) => number;

/** Least squares over the solo level's traced chunks (their workers were idle but for them). */
export function fitCost(turns: readonly TurnRecord[]): CostModel | undefined {
  const points = turns
    .flatMap((t) => t.traced)
    .filter((c): c is TracedChunk & { workerMs: number } => (c.workerMs ?? 0) > 0);
  if (points.length < 2) return undefined;
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.chars, 0) / n;
  const my = points.reduce((s, p) => s + p.workerMs, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.chars - mx) ** 2, 0);
  const sxy = points.reduce((s, p) => s + (p.chars - mx) * (p.workerMs - my), 0);
  const b = sxx > 0 ? sxy / sxx : 0;
  return (chars) => Math.max(0, my + b * (chars - mx));
}

function floorOf(turn: TurnRecord, cost: CostModel | undefined): number {
  const first = turn.traced.find((c) => c.opensTurn);
  if (turn.decidingMs === undefined || !first || !cost) return Number.NaN;
  return turn.decidingMs + cost(first.chars);
}

export function summarize(
  c: number,
  results: readonly ConversationResult[],
  cost: CostModel | undefined,
  extra: { healthMs: number[]; lagP99Ms: number },
): Level {
  const all = results.flatMap((r) => r.turns);
  const turns = all.filter((t) => t.chunks > 0);
  const ttfa = turns.map((t) => t.ttfaMs);
  const floors = turns.map((t) => floorOf(t, cost)).filter(Number.isFinite);
  const sum = (f: (t: TurnRecord) => number) => turns.reduce((s, t) => s + f(t), 0);
  const traced = turns.flatMap((t) => t.traced);
  const causes = Object.fromEntries(CAUSES.map((k) => [k, 0])) as NonNullable<Level['causes']>;
  for (const chunk of traced) if (chunk.cause) causes[chunk.cause as keyof typeof causes]++;
  const served = results.filter((r) => r.refusedWith === undefined);
  const stalledMs = sum((t) => t.stalledMs);
  const audioS = sum((t) => t.audioS);
  return {
    conversations: c,
    turns: turns.length,
    refused: results.length - served.length,
    failedTurns: all.filter((t) => t.errors > 0 || t.chunks === 0).length,
    ttfaP50Ms: percentile(ttfa, 50),
    ttfaP90Ms: percentile(ttfa, 90),
    ttfaMaxMs: Math.max(...ttfa),
    floorP50Ms: floors.length ? percentile(floors, 50) : Number.NaN,
    floorP90Ms: floors.length ? percentile(floors, 90) : Number.NaN,
    underruns: sum((t) => t.underruns),
    chunks: sum((t) => t.chunks),
    stalledMs,
    longestStallMs: Math.max(0, ...turns.map((t) => t.longestStallMs)),
    audioS,
    rebufferingRatio: audioS > 0 ? stalledMs / (audioS * 1000) : 0,
    causes: traced.length ? causes : undefined,
    healthP99Ms: extra.healthMs.length ? percentile(extra.healthMs, 99) : Number.NaN,
    demandAudioSPerS: served.length
      ? served.reduce((s, r) => s + r.audioS / r.wallS, 0) / served.length
      : 0,
    lagP99Ms: extra.lagP99Ms,
    perTurn: turns.map((t) => [
      Math.round(t.ttfaMs),
      Math.round(floorOf(t, cost)),
      t.chunks,
      t.underruns,
      Math.round(t.stalledMs),
    ]),
  };
}

/** Why a level misses the target ('' when it meets it), against the same system's solo level. */
export function verdict(level: Level, solo: Level): string {
  const misses: string[] = [];
  if (level.refused > 0) misses.push(`${level.refused} refused`);
  if (level.failedTurns > 0) misses.push(`${level.failedTurns} turns failed`);
  if (level.ttfaP90Ms > Math.max(1000, solo.ttfaP90Ms + 300)) misses.push('TTFA p90');
  if (level.rebufferingRatio > Math.max(0.01, solo.rebufferingRatio + 0.005))
    misses.push('rebuffering');
  return misses.join(', ');
}

/** "text 3 · size 1 · queue 0 · main 0", or "n/a" without a trace. */
export function causesText(level: Level): string {
  const c = level.causes;
  if (!c) return 'n/a';
  const short = ['text', 'size', 'queue', 'main'];
  return CAUSES.map((k, i) => `${short[i]} ${c[k]}`).join(' · ');
}
