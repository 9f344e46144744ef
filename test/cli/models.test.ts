import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_MODELS } from '../../src/kitten/hub/model-registry.js';
import { runCli } from './run-cli.js';

describe('kittentts models', () => {
  let cacheDir: string;
  beforeAll(async () => {
    cacheDir = await mkdtemp(path.join(os.tmpdir(), 'kittentts-models-'));
  });
  afterAll(() => rm(cacheDir, { recursive: true, force: true }));

  it('prints a table of the seed models, none pulled in an empty cache', async () => {
    const r = await runCli(['models', '--cache-dir', cacheDir]);
    expect(r.code).toBe(0);
    const lines = r.stdout.toString().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+PARAMS\s+SIZE\s+PATH$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(SEED_MODELS.map((m) => m.id));
    expect(lines[1]).toMatch(/^kitten-tts-nano\s+Nano \(FP32\)\s+15M\s+56MB\s+-$/);
  });

  it('lists local model folders from the environment and --model-dirs, as --json', async () => {
    const r = await runCli(
      ['models', '--json', '--cache-dir', cacheDir, '--model-dirs', 'mine=/tmp/mine'],
      {
        env: { KITTENTTS_MODEL_DIRS: 'kitten-tts-nano=/opt/nano' },
      },
    );
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout.toString()) as {
      id: string;
      repo: string | null;
      path: string | null;
    }[];
    // A flag replaces its environment variable, as every setting flag does.
    expect(rows.find((m) => m.id === 'kitten-tts-nano')).toMatchObject({
      repo: SEED_MODELS[0]!.repo,
      path: null,
    });
    expect(rows.at(-1)).toMatchObject({ id: 'mine', repo: null, path: path.resolve('/tmp/mine') });
  });

  it('serves a seed id from its KITTENTTS_MODEL_DIRS folder', async () => {
    const r = await runCli(['models', '--json'], {
      env: { KITTENTTS_MODEL_DIRS: 'kitten-tts-nano=/opt/nano', KITTENTTS_CACHE_DIR: cacheDir },
    });
    const rows = JSON.parse(r.stdout.toString()) as {
      id: string;
      repo: string | null;
      path: string | null;
    }[];
    expect(rows[0]).toMatchObject({
      id: 'kitten-tts-nano',
      repo: null,
      path: path.resolve('/opt/nano'),
    });
  });

  it('reports a malformed setting on stderr with exit code 2', async () => {
    const r = await runCli(['models', '--model-dirs', 'no-equals-sign']);
    expect(r.code).toBe(2);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr).toMatch(/^kittentts models: KITTENTTS_MODEL_DIRS: expected id=DIR/);
  });

  it('prints its usage with --help', async () => {
    const r = await runCli(['models', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toMatch(/^Usage: kittentts models/);
  });
});
