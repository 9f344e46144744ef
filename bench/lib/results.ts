// One shape for every benchmark's output: bench/results/<name>.json holding the machine, the date,
// the parameters, the raw numbers, each target with its measured value, and the Markdown table
// that run-all.ts copies into bench/README.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Target {
  name: string;
  goal: string;
  measured: string;
  met: boolean;
}

export interface BenchResult {
  name: string;
  question: string;
  date: string;
  machine: MachineInfo;
  params: Record<string, unknown>;
  results: unknown;
  targets: Target[];
  markdown: string;
  notes?: string[];
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  platform: string;
  node: string;
  loadAverage: number[];
}

export function machineInfo(): MachineInfo {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAverage: os.loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

export const RESULTS_DIR = path.resolve('bench', 'results');

export function writeResult(result: Omit<BenchResult, 'date' | 'machine'>): BenchResult {
  const full: BenchResult = { ...result, date: new Date().toISOString(), machine: machineInfo() };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(
    path.join(RESULTS_DIR, `${result.name}.json`),
    `${JSON.stringify(full, null, 2)}\n`,
  );
  console.log(`\n## ${result.question}\n\n${result.markdown}`);
  for (const t of result.targets)
    console.log(`- ${t.met ? 'MET' : 'MISSED'} ${t.name}: ${t.measured} (goal ${t.goal})`);
  return full;
}

/** A Markdown table from a header row and data rows. */
export function table(
  header: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number>>,
): string {
  const line = (cells: ReadonlyArray<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
