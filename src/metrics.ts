// Prometheus metrics (prom-client), one registry per gateway so several gateways in one process
// (tests, benchmarks) never share counters. The only importer of prom-client.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricsSources {
  queueDepth(): number;
  busyWorkers(): number;
  workers(): number;
  liveSessions(): number;
  modelLoadTimes(): Record<string, number>;
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
      help: 'Streaming: from a sentence being complete to its audio being ready, first chunk of each turn.',
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
    this.websockets = new Gauge({
      name: 'kittentts_websocket_connections',
      help: 'Open WebSocket connections.',
      registers,
    });
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

  recordSynthesis(model: string, audioS: number, generationS: number): void {
    this.synthesisSeconds.observe({ model }, generationS);
    this.audioSeconds.inc({ model }, audioS);
    if (generationS > 0) this.realTimeFactor.observe({ model }, audioS / generationS);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
