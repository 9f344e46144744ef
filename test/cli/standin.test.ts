import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'standin-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  const code = await main(argv, { stdin: new PassThrough(), stdout, stderr, env: {} });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('kittentts standin', () => {
  it('writes a model folder and reports what it wrote', async () => {
    const dir = path.join(tmp, 'model');
    const { code, stdout, stderr } = await cli(
      'standin',
      '--out',
      dir,
      '--variant',
      'tiny',
      '--seed',
      '9',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ out: dir, variant: 'tiny', seed: 9 });
    expect(report.nodes).toBeGreaterThan(100);
    for (const file of ['config.json', 'kitten_tts_nano_v0_8.onnx', 'voices.npz'])
      expect(existsSync(path.join(dir, file))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')).standin).toMatchObject({
      variant: 'tiny',
      seed: 9,
    });
  });

  it('prints its help', async () => {
    const { code, stdout } = await cli('standin', '--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/--variant tiny\|nano\|nano-int8/);
  });

  it.each([
    [['--variant', 'tiny'], /--out DIR is required/],
    [
      ['--out', 'x', '--variant', 'huge'],
      /unknown variant 'huge' \(choose tiny, nano, nano-int8\)/,
    ],
    [['--out', 'x', '--seed=-3'], /--seed must be an integer/],
    [['--out', 'x', '--seed', 'abc'], /--seed must be an integer/],
    [['--out', 'x', '--colour', 'red'], /Unknown option '--colour'/],
  ])('answers usage errors with exit code 2: %j', async (args, message) => {
    const { code, stdout, stderr } = await cli('standin', ...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(existsSync(path.resolve('x'))).toBe(false);
  });
});
