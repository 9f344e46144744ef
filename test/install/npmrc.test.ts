// The project's .npmrc: npm runs every command (npm start included) without a warning, and the
// dependencies' install scripts stay off, so onnxruntime-node's postinstall never fetches CUDA
// binaries from NuGet (its CPU build ships inside the package).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const npm = (...args: string[]) =>
  spawnSync('npm', args, {
    encoding: 'utf8',
    env: { ...process.env, npm_config_loglevel: 'warn' },
  });

describe('the project .npmrc', () => {
  it('lets npm run a command without any warning', () => {
    const run = npm('pkg', 'get', 'name');
    expect(run.status).toBe(0);
    expect(run.stderr).not.toMatch(/warn/i);
  });

  it('turns off dependency install scripts, so onnxruntime-node downloads nothing', () => {
    expect(
      execFileSync('npm', ['config', 'get', 'ignore-scripts'], { encoding: 'utf8' }).trim(),
    ).toBe('true');
  });

  it('holds only keys npm knows', () => {
    const keys = readFileSync('.npmrc', 'utf8')
      .split('\n')
      .filter((line) => line.trim() && !line.startsWith('#'))
      .map((line) => line.split('=')[0]!.trim());
    expect(keys).toEqual(['ignore-scripts']);
  });
});
