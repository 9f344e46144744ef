// Builds the tiny stand-in model once per test run, into a folder every test file can use.
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export const STANDIN_DIR = path.resolve('.standin');

export default async function setup(): Promise<void> {
  mkdirSync(STANDIN_DIR, { recursive: true });
  let mod: {
    ensureStandinModel?: (dir: string, opts: { variant: 'tiny'; seed: number }) => Promise<unknown>;
  };
  try {
    mod = await import('../src/standin/standin.js');
  } catch {
    return; // the generator is not built yet; tests that need a model will say so
  }
  await mod.ensureStandinModel?.(path.join(STANDIN_DIR, 'tiny'), { variant: 'tiny', seed: 1 });
}
