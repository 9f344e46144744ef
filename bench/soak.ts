// Soak: does the gateway stay correct and flat in memory under a steady mixed load for a long time?
// `npm run soak -- --minutes N [--rate OPS_PER_S] [--sample-s S] [--workers W] [--out FILE]`
// Starts the gateway (stand-in nano model) in a child process and, at a fixed rate, runs in turn:
// one-shot generate, REST streaming (start → chunks → end), WebSocket and SSE streams. Reports
// errors and the server's RSS over time, and writes the samples and a summary as JSON.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startServerProcess } from './lib/server-process.js';
import { ensureNano, gatewayEnv } from './lib/standin-model.js';
import { postJson } from '../test/helpers/http.js';
import { wsClient } from '../test/helpers/ws-client.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    rate: { type: 'string', default: '0.5' },
    'sample-s': { type: 'string', default: '15' },
    workers: { type: 'string', default: '1' },
    'max-in-flight': { type: 'string', default: '16' },
    out: { type: 'string' },
  },
});
const minutes = Number(values.minutes);
const ratePerS = Number(values.rate);
const sampleS = Number(values['sample-s']);
const maxInFlight = Number(values['max-in-flight']);
if (!(minutes > 0 && ratePerS > 0 && sampleS > 0 && maxInFlight > 0)) {
  process.stderr.write(
    'usage: npm run soak -- --minutes N [--rate OPS_PER_S] [--sample-s S] [--workers W]\n',
  );
  process.exit(2);
}

const SENTENCES = [
  'The quick brown fox jumps over the lazy dog.',
  'Streaming speech should never stutter, even after hours.',
  'Numbers like 42 and 3.14 are read aloud.',
  'Is the memory flat? We will see soon enough.',
  'Short one.',
  'A longer sentence gives the model a little more work to do before it answers.',
];
let textIndex = 0;
const text = (n: number) =>
  Array.from({ length: n }, () => SENTENCES[textIndex++ % SENTENCES.length]).join(' ');

type Kind = 'generate' | 'rest_stream' | 'websocket' | 'sse';
const KINDS: Kind[] = ['generate', 'rest_stream', 'websocket', 'sse'];

async function expectOk(res: Response, what: string): Promise<Response> {
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${(await res.text()).slice(0, 120)}`);
  return res;
}
const post = (url: string, body?: unknown) =>
  postJson(url, body, { signal: AbortSignal.timeout(60_000) });

const ops: Record<Kind, (base: string) => Promise<void>> = {
  async generate(base) {
    const res = await expectOk(await post(`${base}/api/generate`, { text: text(2) }), 'generate');
    const body = (await res.json()) as { duration?: number };
    if (!(typeof body.duration === 'number' && body.duration > 0))
      throw new Error('generate: no audio');
  },
  async rest_stream(base) {
    const start = await expectOk(await post(`${base}/api/stream/start`), 'stream start');
    const { session_id: id } = (await start.json()) as { session_id: string };
    let chunks = 0;
    for (const [t, flush] of [
      [text(1) + ' And then', false],
      [' the rest. ' + text(1), true],
    ] as const) {
      const res = await expectOk(
        await post(`${base}/api/stream/chunk?session_id=${id}`, { text: t, flush }),
        'stream chunk',
      );
      chunks += ((await res.json()) as { audio_chunks: string[] }).audio_chunks.length;
    }
    await expectOk(await fetch(`${base}/api/stream/end/${id}`, { method: 'DELETE' }), 'stream end');
    if (chunks < 2) throw new Error(`rest stream: ${chunks} chunks`);
  },
  async websocket(base) {
    let audio = 0;
    let failure: string | undefined;
    const client = wsClient(base, {
      record: false,
      onJson: (msg) => {
        if (msg.type === 'ready') {
          client.send({ type: 'text', text: text(2) });
          client.send({ type: 'end' });
        } else if (msg.type === 'audio') audio++;
        else if (msg.type === 'error') failure ??= String(msg.detail);
      },
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      client.ws.terminate();
    }, 60_000);
    const code = await client.closed;
    clearTimeout(timer);
    if (failure !== undefined) throw new Error(`websocket: ${failure}`);
    if (timedOut) throw new Error('websocket: timeout');
    if (client.error) throw new Error(`websocket: ${client.error.message}`);
    if (code !== 1000 || audio < 2)
      throw new Error(`websocket: closed ${code} after ${audio} chunks`);
  },
  async sse(base) {
    const res = await expectOk(
      await post(`${base}/api/generate/stream`, { text: text(2), format: 'mp3' }),
      'sse',
    );
    const body = await res.text();
    if (body.includes('event: error') || !body.includes('event: done'))
      throw new Error('sse: stream without done');
  },
};

interface Sample {
  t_s: number;
  completed: number;
  errors: number;
  in_flight: number;
  rss_mb: number;
  heap_used_mb: number;
  lag_p99_ms: number;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : 0;
};

await ensureNano();
const server = await startServerProcess({
  kind: 'gateway',
  env: gatewayEnv({ workers: Number(values.workers) }),
});
const base = server.url.replace(/\/$/, '');
await expectOk(await post(`${base}/api/generate`, { text: 'Warm up.' }), 'warm-up');

const latencies: Record<Kind, number[]> = { generate: [], rest_stream: [], websocket: [], sse: [] };
const errorsByKind: Record<Kind, number> = { generate: 0, rest_stream: 0, websocket: 0, sse: 0 };
const errorMessages = new Map<string, number>();
let completed = 0;
let errors = 0;
let skipped = 0;
let inFlight = 0;
let next = 0;
const samples: Sample[] = [];
const t0 = performance.now();
const endAt = t0 + minutes * 60_000;

const launch = () => {
  if (inFlight >= maxInFlight) return void skipped++; // the server is not keeping up: counted, not queued
  const kind = KINDS[next++ % KINDS.length]!;
  const started = performance.now();
  inFlight++;
  ops[kind](base)
    .then(
      () => latencies[kind].push(performance.now() - started),
      (err: unknown) => {
        errors++;
        errorsByKind[kind]++;
        const key = String((err as Error)?.message ?? err).slice(0, 160);
        errorMessages.set(key, (errorMessages.get(key) ?? 0) + 1);
      },
    )
    .finally(() => {
      inFlight--;
      completed++;
    });
};

const sample = async () => {
  const stats = await server.stats();
  const s: Sample = {
    t_s: Math.round((performance.now() - t0) / 1000),
    completed,
    errors,
    in_flight: inFlight,
    rss_mb: round1(stats.rssBytes / 1048576),
    heap_used_mb: round1(stats.heapUsedBytes / 1048576),
    lag_p99_ms: round1(stats.lagP99Ms),
  };
  samples.push(s);
  await server.resetLag();
  process.stdout.write(`${JSON.stringify(s)}\n`);
};

process.stdout.write(
  `soak: ${minutes} min at ${ratePerS} ops/s (${KINDS.join(', ')}), server ${base}\n`,
);
await sample();
const launcher = setInterval(launch, 1000 / ratePerS);
const sampler = setInterval(() => void sample(), sampleS * 1000);
await new Promise((r) => setTimeout(r, Math.max(0, endAt - performance.now())));
clearInterval(launcher);
clearInterval(sampler);
while (inFlight > 0) await new Promise((r) => setTimeout(r, 50));
await sample();
await server.close();

// RSS growth after the first quarter (warm-up: models, pools and buffers reach their sizes).
const settled = samples.filter((s) => s.t_s >= (minutes * 60) / 4);
const first = settled[0] ?? samples[0]!;
const last = samples[samples.length - 1]!;
const spanMin = Math.max(1e-9, (last.t_s - first.t_s) / 60);
const summary = {
  minutes,
  rate_per_s: ratePerS,
  completed,
  errors,
  skipped_overloaded: skipped,
  errors_by_kind: errorsByKind,
  error_messages: Object.fromEntries(errorMessages),
  latency_ms: Object.fromEntries(
    KINDS.map((k) => [
      k,
      {
        n: latencies[k].length,
        p50: Math.round(pct(latencies[k], 50)),
        p95: Math.round(pct(latencies[k], 95)),
      },
    ]),
  ),
  rss_mb: {
    start: samples[0]!.rss_mb,
    settled: first.rss_mb,
    end: last.rss_mb,
    max: Math.max(...samples.map((s) => s.rss_mb)),
  },
  rss_growth_mb_per_min_after_warmup: round1((last.rss_mb - first.rss_mb) / spanMin),
};
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
const out = values.out ?? path.join('bench', 'results', `soak-${minutes}m.json`);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ summary, samples }, null, 2)}\n`);
process.stdout.write(`written ${out}\n`);
process.exit(errors > 0 ? 1 : 0);
