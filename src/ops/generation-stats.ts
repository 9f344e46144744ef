// Bookkeeping behind /api/stats: running totals over every synthesis (REST and streaming) and a
// bounded list of recent requests. O(1) per record; memory bounded by recentLimit.

export interface RecentRequest {
  timestamp: string;
  model: string;
  voice: string;
  text_length: number;
  duration: number;
  generation_time: number;
  rtf: number;
}

export class GenerationStats {
  private total = 0;
  private generationTimeSum = 0;
  private rtfSum = 0;
  private audioSecondsSum = 0;
  private readonly recent: RecentRequest[] = [];

  constructor(private readonly recentLimit = 20) {}

  record(entry: SynthesisRecord): void {
    const recent = recentRequestOf(entry);
    this.total++;
    this.generationTimeSum += entry.generationS;
    this.rtfSum += rtfOf(entry);
    this.audioSecondsSum += entry.durationS;
    this.recent.push(recent);
    if (this.recent.length > this.recentLimit) this.recent.shift();
  }

  snapshot(): StatsSnapshot {
    return snapshotOf(
      {
        total: this.total,
        generationS: this.generationTimeSum,
        rtfSum: this.rtfSum,
        audioS: this.audioSecondsSum,
      },
      [...this.recent],
    );
  }
}

export interface SynthesisRecord {
  model: string;
  voice: string;
  textLength: number;
  durationS: number;
  generationS: number;
}

export interface StatsSnapshot {
  total_requests: number;
  avg_generation_time: number;
  avg_rtf: number;
  total_audio_generated: number;
  recent_requests: RecentRequest[];
}

export const rtfOf = (e: SynthesisRecord) => (e.generationS > 0 ? e.durationS / e.generationS : 0);

export function recentRequestOf(entry: SynthesisRecord): RecentRequest {
  return {
    timestamp: new Date().toISOString(),
    model: entry.model,
    voice: entry.voice,
    text_length: entry.textLength,
    duration: round(entry.durationS, 3),
    generation_time: round(entry.generationS, 3),
    rtf: round(rtfOf(entry), 2),
  };
}

/** The /api/stats `generation_stats` shape from running sums (one process's, or the cluster's). */
export function snapshotOf(
  sums: { total: number; generationS: number; rtfSum: number; audioS: number },
  recent: RecentRequest[],
): StatsSnapshot {
  const { total } = sums;
  return {
    total_requests: total,
    avg_generation_time: total ? round(sums.generationS / total, 3) : 0,
    avg_rtf: total ? round(sums.rtfSum / total, 2) : 0,
    total_audio_generated: round(sums.audioS, 2),
    recent_requests: recent,
  };
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
