import { describe, expect, it } from 'vitest';
import { VOICES } from '../../src/kitten/voices.js';
import { runCli } from './run-cli.js';

describe('kittentts voices', () => {
  it('prints a table of the eight voices with their keys', async () => {
    const r = await runCli(['voices']);
    expect(r.code).toBe(0);
    const lines = r.stdout.toString().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+GENDER\s+KEY\s+DESCRIPTION$/);
    expect(lines).toHaveLength(9);
    expect(lines[1]).toMatch(/^Bella\s+female\s+expr-voice-2-f\s+Warm & gentle$/);
    expect(r.stderr).toBe('');
  });

  it('prints json with --json', async () => {
    const r = await runCli(['voices', '--json']);
    expect(r.code).toBe(0);
    const voices = JSON.parse(r.stdout.toString()) as { name: string; key: string }[];
    expect(voices.map((v) => v.name)).toEqual(VOICES.map((v) => v.name));
    expect(voices[7]).toMatchObject({ name: 'Leo', key: 'expr-voice-5-m' });
  });

  it('prints its usage with --help and exits 0', async () => {
    const r = await runCli(['voices', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toMatch(/^Usage: kittentts voices/);
  });

  it('rejects an unknown flag on stderr with exit code 2', async () => {
    const r = await runCli(['voices', '--nope']);
    expect(r.code).toBe(2);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr).toMatch(/^kittentts voices: .*--nope/);
  });
});
