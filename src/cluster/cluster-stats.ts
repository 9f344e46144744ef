// /api/stats totals over the whole cluster: every replica adds each synthesis to counters in Redis
// (one script call, fire and forget), and any replica reads the same totals and recent list back.
// While Redis is unreachable a replica answers with its own figures (see docs/scaling-out.md).
import {
  recentRequestOf,
  rtfOf,
  snapshotOf,
  type GenerationStats,
  type RecentRequest,
  type StatsSnapshot,
  type SynthesisRecord,
} from '../ops/generation-stats.js';
import type { RedisLink } from './redis.js';
import { RECORD_STATS } from './scripts.js';

const TOTALS = 'kittentts:stats';
const RECENT = 'kittentts:stats:recent';
const RECENT_LIMIT = 20;

export interface StatsSource {
  record(entry: SynthesisRecord): void;
  snapshot(): Promise<StatsSnapshot>;
}

export function clusterStats(link: RedisLink, local: GenerationStats): StatsSource {
  return {
    record(entry) {
      local.record(entry);
      const recent = JSON.stringify(recentRequestOf(entry));
      void link
        .script(
          RECORD_STATS,
          [TOTALS, RECENT],
          [entry.durationS, entry.generationS, rtfOf(entry), recent, RECENT_LIMIT],
        )
        .catch(() => undefined);
    },
    async snapshot() {
      try {
        const [totals, recent] = await Promise.all([
          link.call('HGETALL', TOTALS) as Promise<string[]>,
          link.call('LRANGE', RECENT, 0, RECENT_LIMIT - 1) as Promise<string[]>,
        ]);
        const f = new Map<string, number>();
        for (let i = 0; i + 1 < totals.length; i += 2) f.set(totals[i]!, Number(totals[i + 1]));
        const list = recent.map((s) => JSON.parse(s) as RecentRequest).reverse();
        return snapshotOf(
          {
            total: f.get('total') ?? 0,
            generationS: f.get('generation_s') ?? 0,
            rtfSum: f.get('rtf_sum') ?? 0,
            audioS: f.get('audio_s') ?? 0,
          },
          list,
        );
      } catch {
        return local.snapshot();
      }
    },
  };
}
