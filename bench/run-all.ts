// `npm run bench`: generates the stand-in nano model, runs every question's script in its own
// process (a fresh event loop and heap each), then writes the results section of bench/README.md
// (between its markers) and prints it. Only the stand-in is used: no network, no real weights.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { format } from 'prettier';
import { machineInfo, RESULTS_DIR, table, type BenchResult } from './lib/results.js';
import { ensureNano } from './lib/standin-model.js';

const SCRIPTS = [
  'overhead',
  'frontend',
  'throughput',
  'baseline',
  'streaming',
  'conversations',
  'lag-rss',
  'sherpa',
  'encode',
  'memory',
  'main-thread',
  'main-thread-cost',
  'synthesis-cache',
  'wyoming',
  'word-timings',
  'redis-sessions',
  'resample',
  'dialects',
  'worker-memory',
  'gateway-memory',
];
const README = path.resolve('bench', 'README.md');
const START = '<!-- results:start -->';
const END = '<!-- results:end -->';

interface EncodeReport {
  results: Array<{
    format: string;
    streamXRealtime: number;
    oneShotXRealtime: number;
    msPerAudioSecond: number;
    maxWriteMs: number;
    outputKbps: number;
  }>;
}

const only = process.argv.slice(2);
const started = performance.now();
const t0 = performance.now();
await ensureNano();
const standinS = (performance.now() - t0) / 1000;
const wall: Record<string, number> = {};
const failed: string[] = [];
for (const name of only.length ? SCRIPTS.filter((s) => only.includes(s)) : SCRIPTS) {
  const t = performance.now();
  console.log(`\n=== bench/${name}.ts`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join('bench', `${name}.ts`)], {
    stdio: 'inherit',
  });
  wall[name] = (performance.now() - t) / 1000;
  if (run.status !== 0) failed.push(name);
}
const totalS = (performance.now() - started) / 1000;

const read = <T>(name: string): T | undefined => {
  const file = path.join(RESULTS_DIR, `${name}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
};
const results = SCRIPTS.filter((s) => s !== 'encode')
  .map((s) => read<BenchResult>(s))
  .filter((r): r is BenchResult => r !== undefined);
const machine = results[0]?.machine ?? machineInfo();
const targets = results.flatMap((r) =>
  r.targets.map((t) => [t.met ? '✅' : '❌', t.name, t.goal, t.measured]),
);
const encode = read<EncodeReport>('encode');
const sections = [
  `Run: ${new Date().toISOString().slice(0, 10)} · ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.platform}, Node ${machine.node} · ` +
    `load average at the start ${machine.loadAverage.join(' / ')} · whole run ${Math.round(totalS)} s (stand-in generation ${round1(standinS)} s)` +
    (failed.length ? ` · **failed: ${failed.join(', ')}**` : ''),
  '',
  '### Targets',
  '',
  table(['', 'target', 'goal', 'measured'], targets),
  ...results.flatMap((r) => [
    '',
    `### ${r.question}`,
    '',
    r.markdown,
    ...(r.notes ?? []).map((n) => `\n_${n}_`),
  ]),
];
if (encode) {
  sections.push(
    '',
    '### 9. Encoding cost per format (bench/encode.ts: 30 s of speech-like audio in sentence-sized writes)',
    '',
    table(
      [
        'format',
        '× real time (stream)',
        '× real time (one-shot)',
        'ms per audio second',
        'worst write ms',
        'output kbps',
      ],
      encode.results.map((e) => [
        e.format,
        e.streamXRealtime,
        e.oneShotXRealtime,
        e.msPerAudioSecond,
        e.maxWriteMs,
        e.outputKbps,
      ]),
    ),
  );
}
sections.push(
  '',
  `Per-script wall time (s): ${Object.entries(wall)
    .map(([k, v]) => `${k} ${round1(v)}`)
    .join(', ')}.`,
);
const block = `${START}\n${sections.join('\n')}\n${END}`;
const readme = existsSync(README)
  ? readFileSync(README, 'utf8')
  : `# Benchmarks\n\n${START}\n${END}\n`;
const at = readme.indexOf(START);
const end = readme.indexOf(END);
// Formatted as `prettier --check` (part of npm test) expects it.
const updated =
  at >= 0 && end > at
    ? readme.slice(0, at) + block + readme.slice(end + END.length)
    : `${readme}\n${block}\n`;
writeFileSync(README, await format(updated, { parser: 'markdown', filepath: README }));
console.log(`\n${block}`);
if (failed.length) process.exitCode = 1;

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
