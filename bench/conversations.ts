// Question 9: real-time capacity for voice conversations, judged by a voice agent's service target
// (bench/lib/quality-target.ts), systems side by side in one run.
// - C conversations over the WebSocket door, staggered starts; each repeats turns of LLM-like
//   tokens at 30 tokens/s, a flush, real-time playback, then a think time (exp, mean 1.5 s).
// - Capacity = the largest C that meets the target; a system's ladder stops after two failing
//   levels. Physical limit = the cores' throughput (audio-s/s) ÷ one conversation's demand.
// - Per level: TTFA beside its floor (the deciding token's arrival + the first chunk's synthesis on
//   an idle worker), underruns, longest stall, rebuffering ratio, and the gateway trace's lateness
//   decomposition (why each late chunk was late: docs/realtime.md).
// `tsx bench/conversations.ts [--seconds 60] [--levels 1,2,…] [--systems load,…] [--name N]`
import os from 'node:os';
import { parseArgs } from 'node:util';
import { closedLoop, probe, waitIdle } from './lib/load.js';
import { runConversation, type ConversationResult } from './lib/conversation.js';
import {
  causesText,
  fitCost,
  MIN_LEVEL_S,
  summarize,
  TARGET_TEXT,
  verdict,
  type CostModel,
  type Level,
} from './lib/quality-target.js';
import { table, writeResult, type Target } from './lib/results.js';
import { SENTENCES } from './lib/sentences.js';
import { startServerProcess, type ServerProcess } from './lib/server-process.js';
import { ensureNano, MODEL_ID, VOICE } from './lib/standin-model.js';
import { conversationSystems, type System } from './lib/conversation-systems.js';
import { rng, round } from './lib/stats.js';
import { postJson } from '../test/helpers/http.js';
import { REPLIES } from './lib/replies.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: String(MIN_LEVEL_S) },
    levels: { type: 'string', default: '1,2,4,6,8,10,12,14,16,18,20' },
    systems: { type: 'string', default: 'load,auto,pinned-sentence,pinned-auto,sherpa' },
    name: { type: 'string', default: 'conversations' },
  },
});
const LEVEL_S = Number(args.seconds);
const LEVELS = args.levels.split(',').map(Number);
const TOKENS_PER_S = 30;
const THINK_MEAN_S = 1.5;
const STAGGER_MS = 3000;
const MIN_TURNS = 6;
const cores = os.availableParallelism();
const SYSTEMS = conversationSystems(cores);

async function runLevel(
  server: ServerProcess,
  query: Record<string, string>,
  c: number,
  health: boolean,
  cost: CostModel | undefined,
): Promise<{ level: Level; results: ConversationResult[] }> {
  await server.resetLag();
  const probeHealth = health ? probe(server.url, '/api/health', 100) : undefined;
  const untilMs = performance.now() + LEVEL_S * 1000;
  const results = await Promise.all(
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
  const { lagP99Ms } = await server.stats();
  const fitted = cost ?? fitCost(results.flatMap((r) => r.turns));
  return { level: summarize(c, results, fitted, { healthMs, lagP99Ms }), results };
}

async function warmUp(server: ServerProcess, system: System): Promise<void> {
  const isGateway = system.spec.kind === 'gateway';
  if (isGateway)
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
    query: system.query,
    random: rng(1),
  });
  if (isGateway) await waitIdle(server.url);
}

interface SystemRun {
  label: string;
  levels: Level[];
  capacity: number;
  failure?: string;
}
async function ladder(name: string): Promise<SystemRun> {
  const system = SYSTEMS[name];
  if (!system) return { label: name, levels: [], capacity: 0, failure: 'unknown system' };
  const run: SystemRun = { label: system.label, levels: [], capacity: 0 };
  let server: ServerProcess;
  try {
    server = await startServerProcess(system.spec);
  } catch (err) {
    return { ...run, failure: (err as Error).message };
  }
  try {
    const isGateway = system.spec.kind === 'gateway';
    await warmUp(server, system);
    let misses = 0;
    let cost: CostModel | undefined; // fitted on the solo level, used for every level's floor
    for (const c of LEVELS) {
      const { level, results } = await runLevel(server, system.query, c, isGateway, cost);
      cost ??= fitCost(results.flatMap((r) => r.turns));
      run.levels.push(level);
      console.log(`${name} C=${c}: ${JSON.stringify({ ...level, perTurn: undefined })}`);
      if (verdict(level, run.levels[0]!) === '') {
        run.capacity = c;
        misses = 0;
      } else if (++misses >= 2) break;
      if (isGateway) await waitIdle(server.url, 120_000);
    }
  } finally {
    await server.close();
  }
  return run;
}

/** The gateway's throughput on these cores (audio-s/s): the physical limit's numerator. */
async function throughput(): Promise<number> {
  const server = await startServerProcess(SYSTEMS.load!.spec);
  try {
    await warmUp(server, SYSTEMS.load!);
    const body = { text: SENTENCES.medium, model: MODEL_ID, voice: VOICE };
    const loop = await closedLoop({
      url: server.url,
      body,
      concurrency: cores * 2,
      requests: cores * 12,
    });
    return loop.audioSeconds / (loop.elapsedMs / 1000);
  } finally {
    await server.close();
  }
}

await ensureNano();
const loadAtStart = os.loadavg();
const runs: Record<string, SystemRun> = {};
for (const name of args.systems.split(',')) runs[name] = await ladder(name);
const audioSPerS = await throughput();
const loadAtEnd = os.loadavg();
const main = runs.load ?? Object.values(runs).find((r) => r.levels.length > 0);
const solo = main?.levels[0];
const physical = solo ? audioSPerS / solo.demandAudioSPerS : Number.NaN;
const atCapacity = main?.levels.find((l) => l.conversations === main.capacity);

const targets: Target[] = [];
if (main && solo) {
  const ratioTo = (name: string) => main.capacity / (runs[name]?.capacity || Number.NaN);
  const queueShare = atCapacity?.causes
    ? atCapacity.causes.queue_wait / Math.max(1, atCapacity.underruns)
    : Number.NaN;
  targets.push(
    {
      name: `capacity vs the physical limit (${main.label})`,
      goal: '≥ 0.75×',
      measured: `${round(main.capacity / physical, 2)}× (${main.capacity} of ${round(physical, 1)})`,
      met: main.capacity >= 0.75 * physical,
    },
    ...['pinned-sentence', 'sherpa'].map((name) => ({
      name: `capacity vs ${runs[name]?.label ?? name}`,
      goal: '≥ 2×',
      measured: `${round(ratioTo(name), 2)}× (${main.capacity} vs ${runs[name]?.capacity ?? 'not run'})`,
      met: ratioTo(name) >= 2,
    })),
    {
      name: 'solo TTFA p90 vs its floor',
      goal: '≤ 1.3×, rebuffering 0',
      measured: `${round(solo.ttfaP90Ms / solo.floorP90Ms, 2)}× (${round(solo.ttfaP90Ms)} vs ${round(solo.floorP90Ms)} ms), rebuffering ${round(100 * solo.rebufferingRatio, 2)}%`,
      met: solo.ttfaP90Ms <= 1.3 * solo.floorP90Ms && solo.stalledMs === 0,
    },
    {
      name: '/api/health p99 at capacity',
      goal: '≤ 20 ms',
      measured: `${round(atCapacity?.healthP99Ms ?? Number.NaN, 1)} ms`,
      met: (atCapacity?.healthP99Ms ?? Infinity) <= 20,
    },
    {
      name: 'late chunks caused by queue wait at capacity',
      goal: '< 20%',
      measured: `${round(100 * queueShare, 1)}% (${atCapacity ? causesText(atCapacity) : 'n/a'})`,
      met: queueShare < 0.2,
    },
  );
}

const s = (ms: number) => round(ms / 1000, 2);
const rows = Object.entries(runs).flatMap(([name, run]) =>
  run.failure
    ? [[name, run.failure, '', '', '', '', '', '', '', '']]
    : run.levels.map((l) => {
        const why = verdict(l, run.levels[0]!);
        return [
          name,
          l.conversations,
          `${s(l.ttfaP50Ms)} / ${s(l.ttfaP90Ms)}`,
          `${s(l.floorP50Ms)} / ${s(l.floorP90Ms)}`,
          `${l.underruns} / ${l.chunks}`,
          s(l.longestStallMs),
          `${round(100 * l.rebufferingRatio, 2)}%`,
          causesText(l),
          l.refused + l.failedTurns,
          why === '' ? '✅' : `❌ ${why}`,
        ];
      }),
);
writeResult({
  name: args.name,
  question: '6. Voice conversations: real-time capacity by the service target, system by system',
  params: {
    levelSeconds: LEVEL_S,
    levels: LEVELS,
    systems: args.systems,
    tokensPerS: TOKENS_PER_S,
    thinkMeanS: THINK_MEAN_S,
    staggerMs: STAGGER_MS,
    replies: REPLIES.length,
    cores,
    loadAverageStart: loadAtStart,
    loadAverageEnd: loadAtEnd,
  },
  results: { runs, physicalLimit: physical, throughputAudioSPerS: audioSPerS },
  targets,
  notes: [
    `physical limit ${round(physical, 1)} conversations = ${round(audioSPerS, 1)} audio-s/s ÷ ${round(solo?.demandAudioSPerS ?? Number.NaN, 2)} audio-s/s per conversation`,
    `capacities: ${Object.entries(runs)
      .map(([k, r]) => `${k} ${r.capacity}`)
      .join(', ')}`,
    `load average ${loadAtStart.map((v) => round(v, 2)).join(' ')} at start, ${loadAtEnd.map((v) => round(v, 2)).join(' ')} at end`,
    ...(LEVEL_S < MIN_LEVEL_S
      ? [`levels of ${LEVEL_S} s, shorter than the target's ${MIN_LEVEL_S} s: not a verdict`]
      : []),
  ],
  markdown: [
    Object.entries(runs)
      .map(([k, r]) => `- \`${k}\`: ${r.label}`)
      .join('\n'),
    '',
    table(
      [
        'system',
        'conversations',
        'TTFA p50 / p90 s',
        'floor p50 / p90 s',
        'underruns / chunks',
        'longest stall s',
        'rebuffering',
        'late chunks by cause (server trace)',
        'refused + failed turns',
        'target',
      ],
      rows,
    ),
    '',
    `Target: ${TARGET_TEXT}; each level ${LEVEL_S} s${LEVEL_S < MIN_LEVEL_S ? ` (short run: the target asks for ≥ ${MIN_LEVEL_S} s)` : ''}.`,
    `Capacity: ${Object.entries(runs)
      .map(([k, r]) => `**${r.capacity}** for \`${k}\``)
      .join('; ')}.`,
    `Physical limit: ${round(physical, 1)} conversations (${round(audioSPerS, 1)} audio-s/s ÷ ${round(solo?.demandAudioSPerS ?? Number.NaN, 2)} per conversation).`,
    'Causes: text = its text came after the audio before it ran out; size = its synthesis outlasted the audio left when its text was complete; queue = it would have fit but started late; main = synthesized in time, sent late.',
    atCapacity
      ? `At capacity: /api/health p99 ${round(atCapacity.healthP99Ms, 1)} ms, event-loop lag p99 ${round(atCapacity.lagP99Ms, 1)} ms.`
      : '',
    `Load average ${loadAtStart.map((v) => round(v, 2)).join(' ')} at start, ${loadAtEnd.map((v) => round(v, 2)).join(' ')} at end.`,
  ].join('\n'),
});
