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

  record(entry: {
    model: string;
    voice: string;
    textLength: number;
    durationS: number;
    generationS: number;
  }): void {
    const rtf = entry.generationS > 0 ? entry.durationS / entry.generationS : 0;
    this.total++;
    this.generationTimeSum += entry.generationS;
    this.rtfSum += rtf;
    this.audioSecondsSum += entry.durationS;
    this.recent.push({
      timestamp: new Date().toISOString(),
      model: entry.model,
      voice: entry.voice,
      text_length: entry.textLength,
      duration: round(entry.durationS, 3),
      generation_time: round(entry.generationS, 3),
      rtf: round(rtf, 2),
    });
    if (this.recent.length > this.recentLimit) this.recent.shift();
  }

  snapshot(): {
    total_requests: number;
    avg_generation_time: number;
    avg_rtf: number;
    total_audio_generated: number;
    recent_requests: RecentRequest[];
  } {
    return {
      total_requests: this.total,
      avg_generation_time: this.total ? round(this.generationTimeSum / this.total, 3) : 0,
      avg_rtf: this.total ? round(this.rtfSum / this.total, 2) : 0,
      total_audio_generated: round(this.audioSecondsSum, 2),
      recent_requests: [...this.recent],
    };
  }
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
