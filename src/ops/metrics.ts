// Prometheus metrics (prom-client), one registry per gateway so several gateways in one process
// (tests, benchmarks) never share counters. The only importer of prom-client.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ChunkReport } from '../engine/chunk-job.js';
import type { CacheStats } from '../engine/synthesis-cache.js';

export interface MetricsSources {
  queueDepth(): number;
  busyWorkers(): number;
  workers(): number;
  liveSessions(): number;
  modelLoadTimes(): Record<string, number>;
  /** Sessions the workers have renewed after resting (absent: no such metric). */
  sessionRenewals?(): number;
  /** The synthesis cache's counts (absent: no cache metrics). */
  cache?(): CacheStats;
}

const LATENCY_BUCKETS_S = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2.5, 5, 10, 30,
];

export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'route' | 'method' | 'status'>;
  readonly synthesisSeconds: Histogram<'model'>;
  readonly firstAudioSeconds: Histogram<'door'>;
  readonly realTimeFactor: Histogram<'model'>;
  readonly audioSeconds: Counter<'model'>;
  readonly websockets: Gauge;
  readonly wyomingConnections: Gauge;
  readonly wyomingEvents: Counter<'type' | 'outcome'>;
  readonly lateChunks: Counter<'kind'>;
  readonly queuedTurns: Counter;
  readonly scheduledChunks: Counter<'kind'>;
  readonly wordTimingFailures: Counter;
  readonly queueDelaySeconds: Histogram<'kind'>;
  readonly sessionAheadSeconds: Histogram<'door'>;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'kittentts_' });
    this.httpRequests = new Counter({
      name: 'kittentts_http_requests_total',
      help: 'HTTP requests by route pattern, method and status.',
      labelNames: ['route', 'method', 'status'],
      registers,
    });
    this.synthesisSeconds = new Histogram({
      name: 'kittentts_synthesis_seconds',
      help: 'Worker time per synthesis (front-end + inference).',
      labelNames: ['model'],
      buckets: LATENCY_BUCKETS_S,
      registers,
    });
    this.firstAudioSeconds = new Histogram({
      name: 'kittentts_first_audio_seconds',
      help: 'Streaming time to first audio: from the first sentence of a turn being complete to its audio being ready.',
      labelNames: ['door'],
      buckets: LATENCY_BUCKETS_S,
      registers,
    });
    this.realTimeFactor = new Histogram({
      name: 'kittentts_real_time_factor',
      help: 'Seconds of audio per second of synthesis.',
      labelNames: ['model'],
      buckets: [1, 2, 4, 6, 8, 10, 15, 20, 30, 50, 100],
      registers,
    });
    this.audioSeconds = new Counter({
      name: 'kittentts_audio_seconds_total',
      help: 'Seconds of audio synthesized.',
      labelNames: ['model'],
      registers,
    });
    const chunks = chunkMetrics(registers);
    this.scheduledChunks = chunks.scheduledChunks;
    this.lateChunks = chunks.lateChunks;
    this.queuedTurns = chunks.queuedTurns;
    this.wordTimingFailures = chunks.wordTimingFailures;
    this.queueDelaySeconds = chunks.queueDelaySeconds;
    this.sessionAheadSeconds = new Histogram({
      name: 'kittentts_session_ahead_seconds',
      help: 'Audio a streaming listener still had queued when its next chunk arrived (0: it was waiting).',
      labelNames: ['door'],
      buckets: [0, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 60],
      registers,
    });
    const doors = doorMetrics(registers);
    this.websockets = doors.websockets;
    this.wyomingConnections = doors.wyomingConnections;
    this.wyomingEvents = doors.wyomingEvents;
    registerSourceGauges(sources, registers);
    if (sources.cache) registerCacheMetrics(sources.cache, registers);
  }

  recordSynthesis(model: string, audioS: number, generationS: number): void {
    this.synthesisSeconds.observe({ model }, generationS);
    this.audioSeconds.inc({ model }, audioS);
    if (generationS > 0) this.realTimeFactor.observe({ model }, audioS / generationS);
  }

  recordChunk(report: ChunkReport): void {
    const { kind } = report;
    this.scheduledChunks.inc({ kind });
    this.queueDelaySeconds.observe({ kind }, report.queueMs / 1000);
    if (!report.opensTurn && report.lateMs > 0) this.lateChunks.inc({ kind });
    if (report.wordsError !== undefined) this.wordTimingFailures.inc();
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** The scheduler's view of each chunk: how many ran, late, queued turns, queue delay, failed words. */
function chunkMetrics(registers: Registry[]) {
  return {
    scheduledChunks: new Counter({
      name: 'kittentts_chunks_total',
      help: 'Model chunks run by the scheduler, by kind (realtime, oneshot).',
      labelNames: ['kind'],
      registers,
    }),
    lateChunks: new Counter({
      name: 'kittentts_late_chunks_total',
      help: "Chunks that finished after their playback deadline (a turn's first chunk is not counted: its deadline is its own arrival).",
      labelNames: ['kind'],
      registers,
    }),
    queuedTurns: new Counter({
      name: 'kittentts_queued_turns_total',
      help: 'Real-time turns that waited in line for a turn slot (turn admission) instead of starting at once.',
      registers,
    }),
    wordTimingFailures: new Counter({
      name: 'kittentts_word_timing_failures_total',
      help: 'Chunks whose word timings failed: their audio went out without words.',
      registers,
    }),
    queueDelaySeconds: new Histogram({
      name: 'kittentts_queue_delay_seconds',
      help: 'From a chunk being queued to a worker starting it.',
      labelNames: ['kind'],
      buckets: LATENCY_BUCKETS_S,
      registers,
    }),
  };
}

/** Open connections at the WebSocket and Wyoming doors, and the Wyoming events handled. */
function doorMetrics(registers: Registry[]) {
  return {
    websockets: new Gauge({
      name: 'kittentts_websocket_connections',
      help: 'Open WebSocket connections.',
      registers,
    }),
    wyomingConnections: new Gauge({
      name: 'kittentts_wyoming_connections',
      help: 'Open Wyoming (Home Assistant) connections.',
      registers,
    }),
    wyomingEvents: new Counter({
      name: 'kittentts_wyoming_events_total',
      help: 'Wyoming events handled, by type (connect: a new connection; malformed: an unreadable or oversized event; unknown: a type this server does not answer) and outcome (ok; error: answered with an error event, a refusal included).',
      labelNames: ['type', 'outcome'],
      registers,
    }),
  };
}

/** The synthesis cache's own counts, read from it at each scrape. */
function registerCacheMetrics(cache: () => CacheStats, registers: Registry[]): void {
  const counter = (name: string, help: string, read: (s: CacheStats) => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(read(cache()));
      },
    });
  counter(
    'kittentts_synthesis_cache_hits_total',
    'Chunks served from the synthesis cache (or a synthesis already running for the same chunk).',
    (s) => s.hits,
  );
  counter(
    'kittentts_synthesis_cache_misses_total',
    'Chunks the synthesis cache did not hold: synthesized.',
    (s) => s.misses,
  );
  counter(
    'kittentts_synthesis_cache_evictions_total',
    'Chunks evicted from the synthesis cache to stay within its size.',
    (s) => s.evictions,
  );
  new Gauge({
    name: 'kittentts_synthesis_cache_bytes',
    help: 'Bytes of audio the synthesis cache holds.',
    registers,
    collect() {
      this.set(cache().bytes);
    },
  });
}

/** Gauges read from the gateway's parts at each scrape. */
function registerSourceGauges(sources: MetricsSources, registers: Registry[]): void {
  new Gauge({
    name: 'kittentts_queue_depth',
    help: 'Syntheses waiting for a worker.',
    registers,
    collect() {
      this.set(sources.queueDepth());
    },
  });
  new Gauge({
    name: 'kittentts_busy_workers',
    help: 'Workers running a synthesis.',
    registers,
    collect() {
      this.set(sources.busyWorkers());
    },
  });
  new Gauge({
    name: 'kittentts_workers',
    help: 'Inference worker threads.',
    registers,
    collect() {
      this.set(sources.workers());
    },
  });
  new Gauge({
    name: 'kittentts_live_sessions',
    help: 'Open streaming sessions (REST, SSE, WebSocket).',
    registers,
    collect() {
      this.set(sources.liveSessions());
    },
  });
  const renewals = sources.sessionRenewals;
  if (renewals)
    new Counter({
      name: 'kittentts_worker_session_renewals_total',
      help: 'Worker sessions loaded again after the worker rested, giving back what its arena grew to.',
      registers,
      collect() {
        this.reset();
        this.inc(renewals());
      },
    });
  new Gauge({
    name: 'kittentts_model_load_seconds',
    help: 'Seconds the first load of each model took (download + session creation).',
    labelNames: ['model'],
    registers,
    collect() {
      for (const [model, s] of Object.entries(sources.modelLoadTimes())) this.set({ model }, s);
    },
  });
}
