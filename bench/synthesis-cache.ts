// Question 12: what the synthesis cache buys a voice agent. Side by side in one run, the gateway
// with the cache on (its phrases warmed at start-up) and off, on a voice-agent mix: every turn
// opens with one of five stock phrases ("One moment, please.") and goes on with three sentences
// of its own, so a fifth of the sentences repeat and none of the rest do.
// - Capacity: conversations over the WebSocket door, as bench/conversations.ts runs them (same pass
//   rule: TTFA p90 ≤ 1.5× solo, underruns ≤ solo + 1 point), for each system.
// - TTFA of turns that open with a cached phrase (all of them, with the cache on).
// - A cached first chunk on the wire: a stock phrase then `flush` on an idle gateway, from sending
//   the flush (the deciding message) to the audio frame arriving. Goal ≤ 5 ms.
// - Memory per cached audio-second: the cache's own bytes, and the process RSS growth, after
//   caching a few hundred distinct sentences.
// `tsx bench/synthesis-cache.ts [--seconds N] [--levels 1,2,4,6]`
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runConversation, type TurnRecord } from './lib/conversation.js';
import { procStatus } from './lib/proc-status.js';
import { table, writeResult, type Target } from './lib/results.js';
import { startServerProcess, type ServerProcess } from './lib/server-process.js';
import { ensureNano, gatewayEnv, MODEL_ID, VOICE } from './lib/standin-model.js';
import { percentile, rng, round } from './lib/stats.js';
import { fetchJson, postJson } from '../test/helpers/http.js';
import { wsClient } from '../test/helpers/ws-client.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    levels: { type: 'string', default: '1,2,4,6' },
  },
});
const LEVEL_S = Number(args.seconds);
const LEVELS = args.levels.split(',').map(Number);
const cores = os.availableParallelism();

// Four words or more each, so the first-chunk rule cuts them as whole sentences.
const STOCK = [
  'Just one moment, please.',
  'Sure, I can help with that.',
  'Let me check that for you.',
  'That is a good question.',
  'Here is what I found.',
];
const SUBJECTS = [
  'The courier',
  'Your order',
  'The meeting',
  'The train',
  'The invoice',
  'Our team',
  'The weather',
  'The garage door',
  'Your flight',
  'The library',
  'The doctor',
];
const VERBS = [
  'arrives',
  'was moved',
  'looks fine',
  'is ready',
  'will change',
  'starts again',
  'was booked',
];
const TIMES = [
  'on Monday',
  'this evening',
  'before noon',
  'next week',
  'after lunch',
  'at dawn',
  'tonight',
  'on Friday',
  'in spring',
];

/** Sentence `i` of a never-repeating sequence (distinct for the first ~700 indices). */
function uniqueSentence(i: number): string {
  const s = SUBJECTS[i % SUBJECTS.length]!;
  const v = VERBS[Math.floor(i / SUBJECTS.length) % VERBS.length]!;
  const t = TIMES[Math.floor(i / (SUBJECTS.length * VERBS.length)) % TIMES.length]!;
  return `${s} ${v} ${t}, as far as I can tell from record ${i + 1}.`;
}

/** Replies for conversation `c`: a stock opener, then three sentences no other turn says. */
function repliesFor(c: number, turns = 60): string[] {
  return Array.from({ length: turns }, (_, t) => {
    const base = (c * turns + t) * 3;
    const body = [0, 1, 2].map((k) => uniqueSentence(base + k)).join(' ');
    return `${STOCK[(c + t) % STOCK.length]} ${body}`;
  });
}

interface Level {
  conversations: number;
  turns: number;
  refused: number;
  ttfaP50Ms: number;
  ttfaP90Ms: number;
  underrunShare: number;
}

let levelSeed = 0;
async function runLevel(server: ServerProcess, c: number): Promise<Level> {
  const untilMs = performance.now() + LEVEL_S * 1000;
  levelSeed++;
  const results = await Promise.all(
    Array.from({ length: c }, async (_, i) => {
      await new Promise((r) => setTimeout(r, (i * 3000) / c));
      return runConversation({
        url: server.url,
        replies: repliesFor(levelSeed * 100 + i),
        firstReply: 0,
        tokensPerS: 30,
        thinkMeanS: 1.5,
        untilMs,
        minTurns: Math.ceil(8 / c),
        random: rng(1000 + i),
      });
    }),
  );
  const turns: TurnRecord[] = results.flatMap((r) => r.turns).filter((t) => t.chunks > 0);
  const ttfa = turns.map((t) => t.ttfaMs);
  const chunks = turns.reduce((n, t) => n + t.chunks, 0);
  const underruns = turns.reduce((n, t) => n + t.underruns, 0);
  return {
    conversations: c,
    turns: turns.length,
    refused: results.filter((r) => r.refusedWith !== undefined).length,
    ttfaP50Ms: percentile(ttfa, 50),
    ttfaP90Ms: percentile(ttfa, 90),
    underrunShare: chunks ? underruns / chunks : 0,
  };
}

const passes = (level: Level, solo: Level) =>
  level.refused === 0 &&
  level.ttfaP90Ms <= 1.5 * solo.ttfaP90Ms &&
  level.underrunShare <= solo.underrunShare + 0.01;

async function ladder(server: ServerProcess): Promise<{ levels: Level[]; capacity: number }> {
  const levels: Level[] = [];
  let capacity = 0;
  for (const c of LEVELS) {
    const level = await runLevel(server, c);
    levels.push(level);
    console.log(`C=${c}: ${JSON.stringify(level)}`);
    if (passes(level, levels[0]!)) capacity = c;
    else if (c > 1) break;
  }
  return { levels, capacity };
}

/** Stock phrase + flush on an idle gateway: flush sent → audio frame in, per try. */
async function onTheWire(server: ServerProcess, tries: number): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < tries; i++) {
    let audioAt = 0;
    const c = wsClient(server.url, {
      query: { voice: VOICE, format: 'pcm', first_chunk: 'sentence' },
      record: false,
      onJson: (msg, at) => {
        if (msg.type === 'audio' && audioAt === 0) audioAt = at;
      },
    });
    await c.ready;
    c.send({ type: 'text', text: STOCK[i % STOCK.length] });
    await new Promise((r) => setTimeout(r, 20));
    const sentAt = performance.now();
    c.send({ type: 'flush' });
    await c.until(() => audioAt > 0, 30_000);
    ms.push(audioAt - sentAt);
    c.send({ type: 'end' });
    await c.closed;
  }
  return ms;
}

/** Caches `n` distinct sentences; returns cache bytes and RSS growth per cached audio-second. */
async function memoryPerAudioSecond(server: ServerProcess, n: number) {
  type Stats = { synthesis_cache: { size_mb: number; entries: number } };
  const cacheNow = async () =>
    (await fetchJson<Stats>(`${server.url}/api/stats`)).body.synthesis_cache;
  const cacheBefore = await cacheNow();
  const rssBefore = procStatus(server.pid);
  let audioS = 0;
  for (let i = 0; i < n; i += 4) {
    const batch = Array.from({ length: Math.min(4, n - i) }, (_, k) =>
      uniqueSentence(5000 + i + k),
    );
    const answers = await Promise.all(
      batch.map((text) =>
        fetchJson<{ duration: number }>(`${server.url}/api/generate`, {
          json: { text, model: MODEL_ID, voice: VOICE },
        }),
      ),
    );
    audioS += answers.reduce((s, a) => s + a.body.duration, 0);
  }
  await new Promise((r) => setTimeout(r, 2000));
  const cacheAfter = await cacheNow();
  return {
    audioS,
    entries: cacheAfter.entries - cacheBefore.entries,
    cacheKBPerS: ((cacheAfter.size_mb - cacheBefore.size_mb) * 1e6) / 1024 / audioS,
    rssKBPerS: (procStatus(server.pid) - rssBefore) / 1024 / audioS,
  };
}

await ensureNano();
const warmFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'kitten-warm-')), 'stock.jsonl');
writeFileSync(warmFile, `${JSON.stringify({ model: MODEL_ID, voice: VOICE, texts: STOCK })}\n`);
const systems = {
  on: gatewayEnv({
    workers: cores,
    extra: { KITTENTTS_SYNTH_CACHE_MB: '1024', KITTENTTS_SYNTH_CACHE_WARMUP: warmFile },
  }),
  off: gatewayEnv({ workers: cores }),
};
const runs: Record<string, { levels: Level[]; capacity: number; wireMs: number[] }> = {};
let memory: Awaited<ReturnType<typeof memoryPerAudioSecond>> | undefined;
for (const [name, env] of Object.entries(systems)) {
  const server = await startServerProcess({ kind: 'gateway', env });
  try {
    // Warm the workers (and let the warm-up file run) before measuring.
    await Promise.all(
      [0, 1, 2, 3].map((i) =>
        postJson(`${server.url}/api/generate`, {
          text: uniqueSentence(9000 + i),
          model: MODEL_ID,
          voice: VOICE,
        }).then((r) => r.arrayBuffer()),
      ),
    );
    await new Promise((r) => setTimeout(r, 3000));
    const wireMs = await onTheWire(server, 20);
    console.log(`${name}: on the wire p50 ${percentile(wireMs, 50)} ms`);
    runs[name] = { ...(await ladder(server)), wireMs };
    if (name === 'on') memory = await memoryPerAudioSecond(server, 100);
  } finally {
    await server.close();
  }
}

const on = runs.on!;
const off = runs.off!;
const wireP50 = percentile(on.wireMs, 50);
const targets: Target[] = [
  {
    name: 'cached first chunk on the wire after the deciding message (stock phrase + flush, idle)',
    goal: '≤ 5 ms',
    measured: `p50 ${round(wireP50, 1)} ms, p90 ${round(percentile(on.wireMs, 90), 1)} ms (cache off: p50 ${round(percentile(off.wireMs, 50), 0)} ms)`,
    met: wireP50 <= 5,
  },
  {
    name: 'conversation capacity, voice-agent mix (a fifth of sentences repeat): cache on vs off',
    goal: 'report',
    measured: `${on.capacity} vs ${off.capacity}`,
    met: on.capacity >= off.capacity,
  },
];
const levelRows = (name: string, run: { levels: Level[] }) =>
  run.levels.map((l) => [
    name,
    l.conversations,
    l.turns,
    l.refused,
    round(l.ttfaP50Ms, 0),
    round(l.ttfaP90Ms, 0),
    `${round(l.underrunShare * 100, 1)} %`,
  ]);
writeResult({
  name: 'synthesis-cache',
  question: '12. The synthesis cache on a voice-agent mix (a fifth of the sentences repeat)',
  params: { seconds: LEVEL_S, levels: LEVELS, workers: cores, stock: STOCK },
  results: { runs, memory },
  targets,
  markdown: [
    table(
      ['cache', 'conversations', 'turns', 'refused', 'TTFA p50 ms', 'TTFA p90 ms', 'underruns'],
      [...levelRows('on', on), ...levelRows('off', off)],
    ),
    '',
    `Capacity (same rule as question 6): cache on ${on.capacity}, off ${off.capacity}. With the cache on, every turn opens with a cached stock phrase, so the TTFA column above is the TTFA of such turns.`,
    '',
    `Stock phrase + flush on an idle gateway, flush sent → audio frame in (20 tries): cache on p50 ${round(wireP50, 1)} ms / p90 ${round(percentile(on.wireMs, 90), 1)} ms; cache off p50 ${round(percentile(off.wireMs, 50), 0)} ms.`,
    '',
    memory
      ? `Memory per cached audio-second (${memory.entries} entries, ${round(memory.audioS, 0)} s of audio): the cache's own bytes ${round(memory.cacheKBPerS, 1)} KB/s (float32 at 24 kHz is 93.75), process RSS growth ${round(memory.rssKBPerS, 1)} KB/s.`
      : '',
  ].join('\n'),
});
