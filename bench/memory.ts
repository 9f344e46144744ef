// Question 10: memory for the longest legal request. `{"text": "word " × 4000}` (20,000 characters,
// the default limit) to /api/generate on the nano stand-in, the gateway in a child process: RSS
// sampled every 100 ms from before the request until after it, /api/health probed every 100 ms,
// and the probes that overlap the body being written (first byte to last) reported apart.
// Target: peak extra RSS ≤ 1.5 × the answer's PCM16 size + 64 MB; health p99 while writing ≤ 50 ms.
import { table, writeResult, type Target } from './lib/results.js';
import { startServerProcess } from './lib/server-process.js';
import { ensureNano, gatewayEnv, MODEL_ID, VOICE } from './lib/standin-model.js';
import { percentile, round } from './lib/stats.js';

const TEXT = 'word '.repeat(4000);
const MB = 1024 * 1024;

await ensureNano();
const server = await startServerProcess({ kind: 'gateway', env: gatewayEnv({ workers: 2 }) });
const rss: Array<{ t: number; bytes: number }> = [];
const health: Array<{ t: number; ms: number }> = [];
let running = true;
try {
  const warm = { text: 'Warm up the workers.', model: MODEL_ID, voice: VOICE };
  const post = (body: unknown) =>
    fetch(`${server.url}/api/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  await Promise.all([post(warm), post(warm)].map(async (r) => (await r).arrayBuffer()));
  const sampler = (async () => {
    while (running) {
      rss.push({ t: performance.now(), bytes: (await server.stats()).rssBytes });
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const prober = (async () => {
    while (running) {
      const t = performance.now();
      await (await fetch(`${server.url}/api/health`)).arrayBuffer();
      health.push({ t, ms: performance.now() - t });
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  await new Promise((r) => setTimeout(r, 1000));
  const baseline = Math.min(...rss.map((s) => s.bytes));
  const t0 = performance.now();
  const res = await post({ text: TEXT, model: MODEL_ID, voice: VOICE });
  const firstByteAt = performance.now();
  let bodyBytes = 0;
  let tail = '';
  for await (const piece of res.body as unknown as AsyncIterable<Uint8Array>) {
    bodyBytes += piece.length;
    tail = (tail + Buffer.from(piece.subarray(-400)).toString('latin1')).slice(-400);
  }
  const lastByteAt = performance.now();
  await new Promise((r) => setTimeout(r, 5000)); // let the heap settle
  running = false;
  await Promise.all([sampler, prober]);
  const during = rss.filter((s) => s.t >= t0 && s.t <= lastByteAt);
  const peak = Math.max(...during.map((s) => s.bytes));
  const settled = rss.at(-1)!.bytes;
  const samples = Number(/"audio_samples":(\d+)/.exec(tail)?.[1] ?? Number.NaN);
  const pcm16Bytes = samples * 2;
  const writing = health
    .filter((h) => h.t + h.ms >= firstByteAt && h.t <= lastByteAt)
    .map((h) => h.ms);
  const allowed = 1.5 * pcm16Bytes + 64 * MB;
  const targets: Target[] = [
    {
      name: 'peak extra RSS, 20,000-character /api/generate',
      goal: '≤ 1.5 × PCM16 + 64 MB',
      measured: `${round((peak - baseline) / MB, 0)} MB (PCM16 ${round(pcm16Bytes / MB, 0)} MB → limit ${round(allowed / MB, 0)} MB)`,
      met: peak - baseline <= allowed,
    },
    {
      name: '/api/health p99 while that body is written',
      goal: '≤ 50 ms',
      measured: `${round(writing.length ? percentile(writing, 99) : Number.NaN, 1)} ms (${writing.length} probes)`,
      met: writing.length > 0 && percentile(writing, 99) <= 50,
    },
  ];
  writeResult({
    name: 'memory',
    question: '10. Memory for the longest legal /api/generate (20,000 characters, nano stand-in)',
    params: { textChars: TEXT.length, workers: 2 },
    results: {
      status: res.status,
      bodyMB: bodyBytes / MB,
      pcm16MB: pcm16Bytes / MB,
      baselineMB: baseline / MB,
      peakMB: peak / MB,
      settledMB: settled / MB,
      synthesisS: (firstByteAt - t0) / 1000,
      writeS: (lastByteAt - firstByteAt) / 1000,
      healthWhileWritingMs: writing,
    },
    targets,
    markdown: table(
      [
        'status',
        'body MB',
        'PCM16 MB',
        'RSS before MB',
        'peak MB',
        'settled MB',
        'synthesis s',
        'body write s',
        'health p99 while writing ms',
      ],
      [
        [
          res.status,
          round(bodyBytes / MB, 1),
          round(pcm16Bytes / MB, 1),
          round(baseline / MB, 0),
          round(peak / MB, 0),
          round(settled / MB, 0),
          round((firstByteAt - t0) / 1000, 1),
          round((lastByteAt - firstByteAt) / 1000, 2),
          round(writing.length ? percentile(writing, 99) : Number.NaN, 1),
        ],
      ],
    ),
  });
} finally {
  running = false;
  await server.close();
}
