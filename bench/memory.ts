// Question 10: memory for the longest legal request. `{"text": "word " × 4000}` (20,000 characters,
// the default limit) to /api/generate on the nano stand-in, the gateway in a child process.
// RSS is read from /proc/<pid>/status (VmRSS, and VmHWM after resetting it: the kernel's own peak,
// not a sample). Two figures, because two different things grow:
//   - the workers: onnxruntime's arena grows once to what the longest chunk (400 characters) needs
//     and then stays — a fixed cost per worker, bounded by the chunk limit, measured by first sending
//     one longest chunk per worker;
//   - the request: what the 20,000-character answer adds on top, which must follow its PCM16 size.
// /api/health is probed every 25 ms from a separate thread (so reading the big body here does not
// delay the probes) and the probes that overlap the body being written are reported apart.
// Target: peak extra RSS ≤ 1.5 × the answer's PCM16 size + 64 MB; health p99 while writing ≤ 50 ms.
import { readFileSync, writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { table, writeResult, type Target } from './lib/results.js';
import { startServerProcess } from './lib/server-process.js';
import { ensureNano, gatewayEnv, MODEL_ID, VOICE } from './lib/standin-model.js';
import { percentile, round } from './lib/stats.js';
import { postJson } from '../test/helpers/http.js';

const TEXT = 'word '.repeat(4000);
const LONGEST_CHUNK = 'word '.repeat(80); // planChunks cuts "word …" at 400 characters
const MB = 1024 * 1024;

function procStatus(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1]) * 1024;
}

/** Resets the kernel's peak-RSS mark of the process (Linux: clear_refs 5). */
function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

const now = () => performance.timeOrigin + performance.now();

/** Probes GET url every `everyMs` in its own thread until stopped; probes carry epoch times. */
function startProber(url: string, everyMs: number) {
  const probes: Array<{ t: number; ms: number }> = [];
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     let running = true;
     parentPort.on('message', () => { running = false; });
     (async () => {
       while (running) {
         const t = performance.timeOrigin + performance.now();
         await (await fetch(workerData.url)).arrayBuffer();
         parentPort.postMessage({ t, ms: performance.timeOrigin + performance.now() - t });
         await new Promise((r) => setTimeout(r, workerData.everyMs));
       }
       parentPort.close();
     })();`,
    { eval: true, workerData: { url, everyMs } },
  );
  worker.on('message', (p: { t: number; ms: number }) => probes.push(p));
  const done = new Promise<void>((r) => worker.once('exit', () => r()));
  return {
    probes,
    async stop() {
      worker.postMessage('stop');
      await done;
    },
  };
}

await ensureNano();
const server = await startServerProcess({ kind: 'gateway', env: gatewayEnv({ workers: 2 }) });
const rssNow = () => procStatus(server.pid, 'VmRSS');
const settle = () => new Promise((r) => setTimeout(r, 5000));
const post = (text: string) =>
  postJson(`${server.url}/api/generate`, { text, model: MODEL_ID, voice: VOICE });
try {
  await Promise.all([post('Warm up.'), post('Warm up.')].map(async (r) => (await r).arrayBuffer()));
  await settle();
  const loaded = rssNow();
  // One longest chunk on each worker: what the workers keep for the rest of their life.
  resetPeak(server.pid);
  await Promise.all([post(LONGEST_CHUNK), post(LONGEST_CHUNK)].map(async (r) => (await r).text()));
  const chunkPeak = procStatus(server.pid, 'VmHWM');
  await settle();
  const baseline = rssNow();

  const prober = startProber(`${server.url}/api/health`, 25);
  resetPeak(server.pid);
  const t0 = now();
  const res = await post(TEXT);
  const firstByteAt = now();
  let bodyBytes = 0;
  let tail = '';
  for await (const piece of res.body as unknown as AsyncIterable<Uint8Array>) {
    bodyBytes += piece.length;
    tail = (tail + Buffer.from(piece.subarray(-400)).toString('latin1')).slice(-400);
  }
  const lastByteAt = now();
  const peak = procStatus(server.pid, 'VmHWM');
  await prober.stop();
  await settle();
  const settled = rssNow();

  const samples = Number(/"audio_samples":(\d+)/.exec(tail)?.[1] ?? Number.NaN);
  const pcm16Bytes = samples * 2;
  const writing = prober.probes
    .filter((h) => h.t + h.ms >= firstByteAt && h.t <= lastByteAt)
    .map((h) => h.ms);
  const all = prober.probes.map((h) => h.ms);
  const writingP99 = writing.length ? percentile(writing, 99) : Number.NaN;
  const allowed = 1.5 * pcm16Bytes + 64 * MB;
  const mb = (bytes: number, digits = 0) => round(bytes / MB, digits);
  const targets: Target[] = [
    {
      name: 'peak extra RSS, 20,000-character /api/generate (over workers that have run their longest chunk)',
      goal: '≤ 1.5 × PCM16 + 64 MB',
      measured: `${mb(peak - baseline)} MB (PCM16 ${mb(pcm16Bytes)} MB → limit ${mb(allowed)} MB; the workers' one-time arena for a 400-character chunk: +${mb(chunkPeak - loaded)} MB peak, +${mb(baseline - loaded)} MB kept)`,
      met: peak - baseline <= allowed,
    },
    {
      name: '/api/health p99 while that body is written',
      goal: '≤ 50 ms',
      measured: `${round(writingP99, 1)} ms (${writing.length} probes; whole request ${round(percentile(all, 99), 1)} ms over ${all.length})`,
      met: writing.length > 0 && writingP99 <= 50,
    },
  ];
  writeResult({
    name: 'memory',
    question: '10. Memory for the longest legal /api/generate (20,000 characters, nano stand-in)',
    params: { textChars: TEXT.length, workers: 2, probeEveryMs: 25 },
    results: {
      status: res.status,
      bodyMB: bodyBytes / MB,
      pcm16MB: pcm16Bytes / MB,
      loadedMB: loaded / MB,
      longestChunkPeakMB: chunkPeak / MB,
      baselineMB: baseline / MB,
      peakMB: peak / MB,
      settledMB: settled / MB,
      synthesisS: (firstByteAt - t0) / 1000,
      writeS: (lastByteAt - firstByteAt) / 1000,
      healthWhileWritingMs: writing,
      healthP99Ms: percentile(all, 99),
    },
    targets,
    markdown: table(
      [
        'status',
        'body MB',
        'PCM16 MB',
        'RSS loaded MB',
        'after longest chunks MB (peak)',
        'peak MB',
        'settled MB',
        'synthesis s',
        'body write s',
        'health p99 while writing ms',
      ],
      [
        [
          res.status,
          mb(bodyBytes, 1),
          mb(pcm16Bytes, 1),
          mb(loaded),
          `${mb(baseline)} (${mb(chunkPeak)})`,
          mb(peak),
          mb(settled),
          round((firstByteAt - t0) / 1000, 1),
          round((lastByteAt - firstByteAt) / 1000, 2),
          round(writingP99, 1),
        ],
      ],
    ),
  });
} finally {
  await server.close();
}
