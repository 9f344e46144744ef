// Question 7: the gateway's event-loop lag at saturation (8 closed-loop synthesis clients on 2
// workers, queue never empty) and its RSS over 2,000 mixed requests: one-shot generation, one-shot
// SSE and WebSocket sessions (one in ten), cheap GETs and rejected bodies. Growth is measured from the RSS after
// the first 200 requests (warm-up: models, caches, JIT) to the end.
import { closedLoop, generateOnce } from './lib/load.js';
import { table, writeResult } from './lib/results.js';
import { SENTENCES } from './lib/sentences.js';
import { startServerProcess } from './lib/server-process.js';
import { ensureNano, gatewayEnv, MODEL_ID, VOICE } from './lib/standin-model.js';
import { round } from './lib/stats.js';
import { postJson } from '../test/helpers/http.js';
import { wsClient } from '../test/helpers/ws-client.js';

const CLIENTS = 8;
const SATURATION_REQUESTS = 24;
const MIXED_REQUESTS = 2000;
const WARMUP_REQUESTS = 200;
const SAMPLE_EVERY = 100;
const tiny = { text: 'Hi there.', model: MODEL_ID, voice: VOICE, speed: 1 };

async function wsSession(url: string): Promise<void> {
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const client = wsClient(url, {
    query: { voice: VOICE, format: 'pcm' },
    record: false,
    onJson: (msg) => {
      if (msg.type === 'done') done();
    },
  });
  await client.ready;
  client.send({ type: 'text', text: 'Okay. ' });
  client.send({ type: 'end' });
  await Promise.race([finished, client.closed]);
  if (client.error) throw client.error;
  client.ws.close();
}

async function mixed(url: string, i: number): Promise<void> {
  const json = (path: string, body: unknown) => postJson(`${url}${path}`, body);
  // One request in ten synthesizes (one-shot, SSE or a WebSocket session); the rest are cheap.
  switch (i % 40) {
    case 0:
    case 20:
      return void (await generateOnce(url, tiny));
    case 10:
      return void (await (await json('/api/generate/stream', tiny)).text());
    case 30:
      return wsSession(url);
    default:
      break;
  }
  switch (i % 5) {
    case 0:
      return void (await (await fetch(`${url}/api/health`)).text());
    case 1:
      return void (await (await fetch(`${url}/api/voices`)).text());
    case 2:
      return void (await (await fetch(`${url}/api/stats`)).text());
    case 3:
      return void (await (await fetch(`${url}/api/models`)).text());
    default:
      return void (await (await json('/api/generate', { text: '', voice: 'nobody' })).text());
  }
}

await ensureNano();
const server = await startServerProcess({
  kind: 'gateway',
  env: gatewayEnv({ workers: 2, threadsPerWorker: 1 }),
});
const rss: Array<{ requests: number; rssMiB: number }> = [];
let saturation;
let mixedLag;
let mixedWallS: number;
try {
  const body = { text: SENTENCES.short, model: MODEL_ID, voice: VOICE, speed: 1 };
  await Promise.all([generateOnce(server.url, body), generateOnce(server.url, body)]);
  await server.resetLag();
  await closedLoop({ url: server.url, body, concurrency: CLIENTS, requests: SATURATION_REQUESTS });
  saturation = await server.stats();

  await server.resetLag();
  let next = 0;
  let done = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < MIXED_REQUESTS) {
      await mixed(server.url, next++);
      if (++done % SAMPLE_EVERY === 0)
        rss.push({ requests: done, rssMiB: (await server.stats()).rssBytes / 2 ** 20 });
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, worker));
  mixedWallS = (performance.now() - t0) / 1000;
  mixedLag = await server.stats();
} finally {
  await server.close();
}
const base = rss.find((s) => s.requests >= WARMUP_REQUESTS)!.rssMiB;
const end = rss.at(-1)!.rssMiB;
const growth = (end - base) / base;
writeResult({
  name: 'lag-rss',
  question: '7. Event-loop lag at saturation and RSS over 2,000 mixed requests',
  params: {
    clients: CLIENTS,
    saturationRequests: SATURATION_REQUESTS,
    mixedRequests: MIXED_REQUESTS,
    warmupRequests: WARMUP_REQUESTS,
    workers: 2,
  },
  results: { saturation, mixed: mixedLag, mixedWallS, rss, growth },
  targets: [
    {
      name: 'event-loop lag p99 at saturation',
      goal: '< 20 ms',
      measured: `${round(saturation.lagP99Ms, 1)} ms (p50 ${round(saturation.lagP50Ms, 1)} ms)`,
      met: saturation.lagP99Ms < 20,
    },
    {
      name: 'RSS growth over 2,000 mixed requests',
      goal: '< 10 %',
      measured: `${round(growth * 100, 1)} % (${round(base, 0)} → ${round(end, 0)} MiB)`,
      met: growth < 0.1,
    },
  ],
  markdown: table(
    ['phase', 'lag p50 ms', 'lag p99 ms', 'lag max ms', 'RSS MiB'],
    [
      [
        `saturation (${CLIENTS} clients, short sentences)`,
        round(saturation.lagP50Ms, 1),
        round(saturation.lagP99Ms, 1),
        round(saturation.lagMaxMs, 1),
        round(saturation.rssBytes / 2 ** 20, 0),
      ],
      [
        `${MIXED_REQUESTS} mixed requests (${round(mixedWallS, 0)} s)`,
        round(mixedLag.lagP50Ms, 1),
        round(mixedLag.lagP99Ms, 1),
        round(mixedLag.lagMaxMs, 1),
        `${round(base, 0)} → ${round(end, 0)} (${round(growth * 100, 1)} %)`,
      ],
    ],
  ),
});
