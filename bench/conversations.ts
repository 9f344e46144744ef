// Question 9: real-time capacity for voice conversations, side by side in one run.
// - C conversations over the WebSocket door, staggered starts; each repeats turns of LLM-like
//   tokens at 30 tokens/s, a flush, real-time playback, then a think time (exp, mean 1.5 s).
// - Capacity = the largest C whose TTFA p90 ≤ 1.5× the solo p90 and whose underrun share ≤ solo's
//   + 1 point, with no session refused. Physical limit = the cores' throughput (audio-s/s) ÷ one
//   conversation's demand (audio-s/s).
// - Systems: the gateway (deadline scheduler, first_chunk=auto), the same gateway with the old
//   pinned-FIFO policy and sentence chunks (bench/lib/pinned-fifo-policy.ts), and a sherpa-onnx-node
//   server with one engine per core serving sentences FIFO (bench/lib/sherpa-server.ts).
// Also: a 20,000-character /api/generate beside 4 conversations, and /api/health p99 at capacity.
// `tsx bench/conversations.ts [--seconds N] [--levels 1,4,8] [--systems edf,pinned,sherpa]`
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { closedLoop, probe, waitIdle } from './lib/load.js';
import { runConversation, type ConversationResult, type TurnRecord } from './lib/conversation.js';
import { table, writeResult, type Target } from './lib/results.js';
import { SENTENCES } from './lib/sentences.js';
import { startServerProcess, type ServerProcess, type ServerSpec } from './lib/server-process.js';
import { ensureNano, gatewayEnv, MODEL_ID, VOICE } from './lib/standin-model.js';
import { percentile, rng, round } from './lib/stats.js';
import { postJson } from '../test/helpers/http.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '45' },
    levels: { type: 'string', default: '1,2,4,6,8,10,12' },
    systems: { type: 'string', default: 'edf,pinned,sherpa' },
  },
});
const LEVEL_S = Number(args.seconds);
const LEVELS = args.levels.split(',').map(Number);
const TOKENS_PER_S = 30;
const THINK_MEAN_S = 1.5;
const STAGGER_MS = 3000;
const MIN_TURNS = 12;
const cores = os.availableParallelism();
const REPLIES = readFileSync(new URL('./lib/replies.txt', import.meta.url), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter(Boolean);

const SYSTEMS: Record<string, { label: string; spec: ServerSpec; query: Record<string, string> }> =
  {
    edf: {
      label: `gateway, deadline scheduler (${cores} workers, first_chunk=auto)`,
      spec: { kind: 'gateway', env: gatewayEnv({ workers: cores }) },
      query: {},
    },
    pinned: {
      label: `gateway, pinned FIFO lanes (${cores} workers, sentence chunks) — the old policy`,
      spec: { kind: 'gateway', env: gatewayEnv({ workers: cores }), policy: 'pinned-fifo' },
      query: { first_chunk: 'sentence' },
    },
    sherpa: {
      label: `sherpa-onnx-node, ${cores} engines × 1 thread, FIFO, sentence chunks`,
      spec: { kind: 'sherpa', engines: cores },
      query: {},
    },
  };

interface Level {
  conversations: number;
  turns: number;
  refused: number;
  ttfaP50Ms: number;
  ttfaP90Ms: number;
  ttfaMaxMs: number;
  underruns: number;
  chunks: number;
  underrunShare: number;
  healthP99Ms: number;
  demandAudioSPerS: number;
  lagP99Ms: number;
  /** [TTFA ms, chunks, underruns] per turn. */
  perTurn: Array<[number, number, number]>;
}

/** A deterministic PRNG (mulberry32), so think times repeat from run to run. */

async function runLevel(
  server: ServerProcess,
  query: Record<string, string>,
  c: number,
  health: boolean,
): Promise<Level> {
  await server.resetLag();
  const probeHealth = health ? probe(server.url, '/api/health', 100) : undefined;
  const untilMs = performance.now() + LEVEL_S * 1000;
  const results: ConversationResult[] = await Promise.all(
    Array.from({ length: c }, async (_, i) => {
      await new Promise((r) => setTimeout(r, (i * STAGGER_MS) / c));
      return runConversation({
        url: server.url,
        replies: REPLIES,
        firstReply: i,
        tokensPerS: TOKENS_PER_S,
        thinkMeanS: THINK_MEAN_S,
        untilMs,
        // Every level rests on at least MIN_TURNS turns (solo: every reply twice).
        minTurns: Math.ceil(MIN_TURNS / c),
        query,
        random: rng(1000 + i),
      });
    }),
  );
  const healthMs = (await probeHealth?.stop()) ?? [];
  const lag = await server.stats();
  const turns: TurnRecord[] = results.flatMap((r) => r.turns).filter((t) => t.chunks > 0);
  const ttfa = turns.map((t) => t.ttfaMs);
  const underruns = turns.reduce((n, t) => n + t.underruns, 0);
  const chunks = turns.reduce((n, t) => n + t.chunks, 0);
  const served = results.filter((r) => r.refusedWith === undefined);
  return {
    conversations: c,
    turns: turns.length,
    refused: results.length - served.length,
    ttfaP50Ms: percentile(ttfa, 50),
    ttfaP90Ms: percentile(ttfa, 90),
    ttfaMaxMs: Math.max(...ttfa),
    underruns,
    chunks,
    underrunShare: chunks ? underruns / chunks : 0,
    healthP99Ms: healthMs.length ? percentile(healthMs, 99) : Number.NaN,
    demandAudioSPerS: served.length
      ? served.reduce((s, r) => s + r.audioS / r.wallS, 0) / served.length
      : 0,
    lagP99Ms: lag.lagP99Ms,
    perTurn: turns.map((t) => [Math.round(t.ttfaMs), t.chunks, t.underruns]),
  };
}

const passes = (level: Level, solo: Level) =>
  level.refused === 0 &&
  level.ttfaP90Ms <= 1.5 * solo.ttfaP90Ms &&
  level.underrunShare <= solo.underrunShare + 0.01;

async function warmUp(
  server: ServerProcess,
  query: Record<string, string>,
  gateway: boolean,
): Promise<void> {
  if (gateway)
    await Promise.all(
      Array.from({ length: cores * 2 }, () =>
        postJson(`${server.url}/api/generate`, {
          text: SENTENCES.short,
          model: MODEL_ID,
          voice: VOICE,
        }).then((r) => r.arrayBuffer()),
      ),
    );
  await runConversation({
    url: server.url,
    replies: REPLIES,
    firstReply: 0,
    tokensPerS: 1000,
    thinkMeanS: 0,
    untilMs: performance.now() + 1,
    query,
    random: rng(1),
  });
  if (gateway) await waitIdle(server.url);
}

interface SystemRun {
  label: string;
  levels: Level[];
  capacity: number;
  failure?: string;
}

async function ladder(name: string): Promise<SystemRun> {
  const system = SYSTEMS[name]!;
  const run: SystemRun = { label: system.label, levels: [], capacity: 0 };
  let server: ServerProcess;
  try {
    server = await startServerProcess(system.spec);
  } catch (err) {
    return { ...run, failure: (err as Error).message };
  }
  try {
    const gateway = system.spec.kind === 'gateway';
    await warmUp(server, system.query, gateway);
    let misses = 0;
    for (const c of LEVELS) {
      const level = await runLevel(server, system.query, c, gateway);
      run.levels.push(level);
      console.log(`${name} C=${c}: ${JSON.stringify({ ...level, perTurn: undefined })}`);
      if (passes(level, run.levels[0]!)) {
        run.capacity = c;
        misses = 0;
      } else if (++misses >= 2) break;
      if (gateway) await waitIdle(server.url, 120_000);
    }
  } finally {
    await server.close();
  }
  return run;
}

/** The gateway's throughput on these cores (audio-s/s), and 4 conversations beside a 20k-char generate. */
async function gatewayExtras(soloP90Ms: number) {
  const server = await startServerProcess(SYSTEMS.edf!.spec);
  try {
    await warmUp(server, {}, true);
    const body = { text: SENTENCES.medium, model: MODEL_ID, voice: VOICE };
    const loop = await closedLoop({
      url: server.url,
      body,
      concurrency: cores * 2,
      requests: cores * 12,
    });
    const throughput = loop.audioSeconds / (loop.elapsedMs / 1000);
    await waitIdle(server.url);
    const words =
      'The quick brown fox jumps over the lazy dog while the farmer watches from the porch. ';
    const long = words.repeat(Math.ceil(20_000 / words.length)).slice(0, 20_000);
    const t0 = performance.now();
    const oneshot = postJson(`${server.url}/api/generate`, {
      text: long,
      model: MODEL_ID,
      voice: VOICE,
    }).then(async (r) => ({
      status: r.status,
      s: (await r.arrayBuffer(), (performance.now() - t0) / 1000),
    }));
    const beside = await runLevel(server, {}, 4, true);
    const done = await oneshot;
    return {
      throughput,
      beside,
      oneshotStatus: done.status,
      oneshotS: done.s,
      ratio: beside.ttfaP90Ms / soloP90Ms,
    };
  } finally {
    await server.close();
  }
}

await ensureNano();
const runs: Record<string, SystemRun> = {};
for (const name of args.systems.split(',')) runs[name] = await ladder(name);
const edf = runs.edf;
const solo = edf?.levels[0];
const extras = solo ? await gatewayExtras(solo.ttfaP90Ms) : undefined;
const physical = extras && solo ? extras.throughput / solo.demandAudioSPerS : Number.NaN;
const atCapacity = edf?.levels.find((l) => l.conversations === edf.capacity);

const targets: Target[] = [];
if (edf && solo && extras) {
  const ratioTo = (other?: SystemRun) =>
    other && other.capacity > 0 ? edf.capacity / other.capacity : Number.NaN;
  targets.push(
    {
      name: 'conversation capacity vs the physical limit',
      goal: '≥ 0.75×',
      measured: `${round(edf.capacity / physical, 2)}× (${edf.capacity} of ${round(physical, 1)})`,
      met: edf.capacity >= 0.75 * physical,
    },
    {
      name: 'conversation capacity vs the pinned-FIFO baseline',
      goal: '≥ 2.5×',
      measured: `${round(ratioTo(runs.pinned), 2)}× (${edf.capacity} vs ${runs.pinned?.capacity})`,
      met: ratioTo(runs.pinned) >= 2.5,
    },
    {
      name: 'conversation capacity vs sherpa-onnx-node FIFO',
      goal: '≥ 2×',
      measured: `${round(ratioTo(runs.sherpa), 2)}× (${edf.capacity} vs ${runs.sherpa?.capacity ?? 'not run'})`,
      met: ratioTo(runs.sherpa) >= 2,
    },
    {
      name: 'solo TTFA p90',
      goal: '≤ 0.7 s',
      measured: `${round(solo.ttfaP90Ms / 1000, 2)} s`,
      met: solo.ttfaP90Ms <= 700,
    },
    {
      name: 'solo underruns',
      goal: '0',
      measured: `${solo.underruns} / ${solo.chunks}`,
      met: solo.underruns === 0,
    },
    {
      name: '4 conversations beside a 20,000-char /api/generate: TTFA p90 vs solo',
      goal: '≤ 1.5×',
      measured: `${round(extras.ratio, 2)}× (${round(extras.beside.ttfaP90Ms)} ms; the one-shot took ${round(extras.oneshotS, 1)} s)`,
      met: extras.ratio <= 1.5,
    },
    {
      name: '/api/health p99 at capacity',
      goal: '≤ 20 ms',
      measured: `${round(atCapacity?.healthP99Ms ?? Number.NaN, 1)} ms`,
      met: (atCapacity?.healthP99Ms ?? Infinity) <= 20,
    },
  );
}

const rows = Object.values(runs).flatMap((run) =>
  run.failure
    ? [[run.label, 'failed to start', '', '', '', '', '', '']]
    : run.levels.map((l) => [
        run.label,
        l.conversations,
        round(l.ttfaP50Ms / 1000, 2),
        round(l.ttfaP90Ms / 1000, 2),
        round(l.ttfaMaxMs / 1000, 2),
        `${l.underruns} / ${l.chunks}`,
        l.refused,
        passes(l, run.levels[0]!) ? '✅' : '❌',
      ]),
);
writeResult({
  name: 'conversations',
  question:
    '9. Voice conversations: real-time capacity of the deadline scheduler vs pinned FIFO vs sherpa-onnx-node',
  params: {
    levelSeconds: LEVEL_S,
    levels: LEVELS,
    tokensPerS: TOKENS_PER_S,
    thinkMeanS: THINK_MEAN_S,
    staggerMs: STAGGER_MS,
    replies: REPLIES.length,
    cores,
  },
  results: { runs, physicalLimit: physical, throughputAudioSPerS: extras?.throughput, extras },
  targets,
  notes: [
    `physical limit ${round(physical, 1)} conversations = ${round(extras?.throughput ?? Number.NaN, 1)} audio-s/s on these cores ÷ ${round(solo?.demandAudioSPerS ?? Number.NaN, 2)} audio-s/s per conversation`,
    `capacities: ${Object.entries(runs)
      .map(([k, r]) => `${k} ${r.capacity}`)
      .join(', ')}`,
  ],
  markdown: [
    table(
      [
        'system',
        'conversations',
        'TTFA p50 s',
        'TTFA p90 s',
        'TTFA max s',
        'underruns / chunks',
        'refused',
        'quality bar',
      ],
      rows,
    ),
    '',
    `Capacity (quality bar: TTFA p90 ≤ 1.5× solo, underrun share ≤ solo + 1 point, nobody refused): ${Object.values(
      runs,
    )
      .map((r) => `**${r.capacity}** for ${r.label}`)
      .join('; ')}.`,
    `Physical limit: ${round(physical, 1)} conversations (${round(extras?.throughput ?? Number.NaN, 1)} audio-s/s ÷ ${round(solo?.demandAudioSPerS ?? Number.NaN, 2)} per conversation).`,
    extras
      ? `Beside a 20,000-character /api/generate (${round(extras.oneshotS, 1)} s, status ${extras.oneshotStatus}), 4 conversations: TTFA p90 ${round(extras.beside.ttfaP90Ms / 1000, 2)} s, underruns ${extras.beside.underruns} / ${extras.beside.chunks}.`
      : '',
    atCapacity
      ? `At capacity: /api/health p99 ${round(atCapacity.healthP99Ms, 1)} ms, event-loop lag p99 ${round(atCapacity.lagP99Ms, 1)} ms.`
      : '',
  ].join('\n'),
});
