// HTTP load for the benchmarks: closed-loop clients (each sends its next request when the previous
// answer arrives) and a periodic prober for cheap requests, with per-request latencies.
import { postJson } from '../../test/helpers/http.js';
export interface LoadResult {
  latenciesMs: number[];
  elapsedMs: number;
  completed: number;
  failed: number;
  audioSeconds: number;
}

export interface ClosedLoopOptions {
  url: string;
  body: unknown;
  concurrency: number;
  /** Total requests across all clients. */
  requests: number;
}

export async function generateOnce(
  url: string,
  body: unknown,
): Promise<{ ms: number; durationS: number; ok: boolean }> {
  for (let attempt = 0; ; attempt++) {
    const t0 = performance.now();
    try {
      const res = await postJson(`${url}/api/generate`, body);
      const json = (await res.json()) as { duration?: number };
      return { ms: performance.now() - t0, durationS: json.duration ?? 0, ok: res.ok };
    } catch (err) {
      // A kept-alive socket the server closed while this process was busy: retry once, timed anew.
      if (attempt > 0) throw err;
    }
  }
}

/** Lets pending socket events (a server closing an idle keep-alive connection) be seen. */
export const settle = () => new Promise((r) => setTimeout(r, 5));

export async function closedLoop(options: ClosedLoopOptions): Promise<LoadResult> {
  const result: LoadResult = {
    latenciesMs: [],
    elapsedMs: 0,
    completed: 0,
    failed: 0,
    audioSeconds: 0,
  };
  let issued = 0;
  const t0 = performance.now();
  const client = async () => {
    while (issued < options.requests) {
      issued++;
      const r = await generateOnce(options.url, options.body);
      if (r.ok) {
        result.completed++;
        result.audioSeconds += r.durationS;
        result.latenciesMs.push(r.ms);
      } else result.failed++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  result.elapsedMs = performance.now() - t0;
  return result;
}

/** GETs `path` every intervalMs until stop() resolves; returns each answer's latency. */
export function probe(
  url: string,
  path: string,
  intervalMs: number,
): { stop(): Promise<number[]> } {
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      const res = await fetch(`${url}${path}`);
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return latencies;
    },
  };
}

/** Waits until the gateway's workers are idle and its queue empty (per /metrics), so work left
 * running by a previous measurement (a running inference cannot be aborted) does not leak into the next. */
export async function waitIdle(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const text = await (await fetch(`${url}/metrics`)).text();
    const value = (name: string) =>
      Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(text)?.[1] ?? 'NaN');
    if (value('kittentts_busy_workers') === 0 && value('kittentts_queue_depth') === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('gateway did not become idle');
}

/** generation_time of the latest synthesis of `text` in the gateway's recent requests. */
export async function lastWorkerMs(url: string, text: string): Promise<number> {
  const stats = (await (await fetch(`${url}/api/stats`)).json()) as {
    generation_stats: { recent_requests: Array<{ text_length: number; generation_time: number }> };
  };
  const hit = stats.generation_stats.recent_requests
    .filter((r) => r.text_length === text.length)
    .at(-1);
  return hit ? hit.generation_time * 1000 : Number.NaN;
}
