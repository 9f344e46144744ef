// Speed side of worker-memory.ts: one process per option (so allocator settings in its environment
// apply to it alone), each with one worker thread, run in turn on the same texts (ABAB…) so drift on
// a shared machine hits every option alike. The measure is the worker thread's own CPU time (user +
// system, so page faults and zeroing count) per audio-second, which other load disturbs far less
// than wall time; wall time per audio-second is kept beside it.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { ThreadOptions } from './worker-memory-thread.js';

export interface SpeedOption {
  options: ThreadOptions;
  env?: Record<string, string>;
  maxChunkChars?: number;
}

export interface RunReply {
  ms: number;
  cpuMs: number;
  samples: number;
}

/** Per round: CPU ms and wall ms per audio-second over all texts of that round. */
export interface RoundCost {
  cpuPerAudioS: number;
  wallPerAudioS: number;
}

const SPEED_CHILD = path.resolve('bench/lib/worker-memory-speed-child.ts');

export function startSpeedChild(modelDir: string, o: SpeedOption) {
  const child: ChildProcess = fork(
    SPEED_CHILD,
    [JSON.stringify({ modelDir, options: o.options })],
    {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, ...o.env },
    },
  );
  const next = () => new Promise<unknown>((r) => child.once('message', r));
  const ready = next();
  return {
    ready,
    async run(text: string): Promise<RunReply> {
      const reply = next();
      child.send({ text, maxChunkChars: o.maxChunkChars ?? 400 });
      return (await reply) as RunReply;
    },
    /** Releases the session and creates it again; the thread's CPU ms for that. */
    async recreate(): Promise<number> {
      const reply = next();
      child.send('recreate');
      return ((await reply) as { cpuMs: number }).cpuMs;
    },
    stop: () => child.kill(),
  };
}

/** Each option's cost per round, every option run in turn on each text of each round. */
export async function measureSpeeds(
  modelDir: string,
  options: SpeedOption[],
  texts: string[],
  rounds: number,
): Promise<{ costs: RoundCost[][]; firstAfterRecreate: FirstRun[] }> {
  const children = options.map((o) => startSpeedChild(modelDir, o));
  try {
    await Promise.all(children.map((c) => c.ready));
    // Warm: every text once, so an arena has already grown to the longest before timing.
    for (const text of texts) for (const c of children) await c.run(text);
    const costs: RoundCost[][] = options.map(() => []);
    for (let round = 0; round < rounds; round++) {
      const sums = options.map(() => ({ cpu: 0, wall: 0, audio: 0 }));
      for (const text of texts) {
        for (const [i, c] of children.entries()) {
          const r = await c.run(text);
          sums[i]!.cpu += r.cpuMs;
          sums[i]!.wall += r.ms;
          sums[i]!.audio += r.samples / 24_000;
        }
      }
      for (const [i, s] of sums.entries())
        costs[i]!.push({ cpuPerAudioS: s.cpu / s.audio, wallPerAudioS: s.wall / s.audio });
    }
    return { costs, firstAfterRecreate: await firstRuns(children[0]!, texts.at(-1)!, rounds) };
  } finally {
    for (const c of children) c.stop();
  }
}

export interface FirstRun {
  recreateCpuMs: number;
  firstCpuMs: number;
  steadyCpuMs: number;
}

/** What re-creating a session costs: the re-creation, and its first longest run against a steady one. */
async function firstRuns(
  c: ReturnType<typeof startSpeedChild>,
  text: string,
  rounds: number,
): Promise<FirstRun[]> {
  const out: FirstRun[] = [];
  for (let i = 0; i < rounds; i++) {
    const recreateCpuMs = await c.recreate();
    const first = await c.run(text);
    const steady = await c.run(text);
    out.push({ recreateCpuMs, firstCpuMs: first.cpuMs, steadyCpuMs: steady.cpuMs });
  }
  return out;
}
