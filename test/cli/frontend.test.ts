import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ESPEAK_LIBRARY_CANDIDATES } from '../../src/kitten/frontend/phonemize.js';
import { runCli } from './run-cli.js';

const HAS_NATIVE = ESPEAK_LIBRARY_CANDIDATES.some((p) => existsSync(p));
const GOLDEN_LINES = readFileSync(new URL('../fixtures/frontend.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n');
const parseLines = (out: Buffer) =>
  out
    .toString()
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('kittentts frontend', () => {
  it('reproduces the golden vectors exactly with --strict on the native backend', async () => {
    if (!HAS_NATIVE)
      return console.warn('skipped: libespeak-ng not found (apt-get install espeak-ng)');
    const golden = GOLDEN_LINES.slice(0, 25).map((l) => JSON.parse(l) as Record<string, unknown>);
    const stdin = golden.map((g) => `${JSON.stringify({ id: g.id, text: g.text })}\n`).join('');
    const r = await runCli(['frontend', '--strict', '--backend', 'native'], { stdin });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(parseLines(r.stdout)).toEqual(golden);
  });

  it('writes one line per input in the golden schema, in input order', async () => {
    const stdin = [
      '{"id":"b","text":"Second one."}',
      '',
      '{"id":7,"text":"It costs $5"}',
      '{"text":""}',
    ].join('\n');
    const r = await runCli(['frontend', '--backend', 'wasm'], { stdin });
    expect(r.code).toBe(0);
    const lines = parseLines(r.stdout);
    expect(lines.map((l) => Object.keys(l))).toEqual(
      Array(3).fill(['id', 'text', 'normalized', 'clean', 'raw']),
    );
    expect(lines.map((l) => l.id)).toEqual(['b', 7, null]);
    expect(lines[1]!.raw).toEqual([
      expect.objectContaining({
        text: 'It costs $5,',
        style_row: 12,
        phonemes: expect.any(String),
        input_ids: expect.any(Array),
      }),
    ]);
    expect((lines[1]!.clean as { text: string }[])[0]!.text).toMatch(/five dollars/);
    expect(lines[2]).toEqual({ id: null, text: '', normalized: '', clean: [], raw: [] });
  });

  it('reports bad lines on stderr, goes on with the rest and exits 1', async () => {
    const stdin = ['not json', '{"id":1}', '["text"]', '{"id":2,"text":"Fine."}'].join('\n');
    const r = await runCli(['frontend', '--backend', 'wasm'], { stdin });
    expect(r.code).toBe(1);
    expect(parseLines(r.stdout).map((l) => l.id)).toEqual([2]);
    expect(r.stderr).toMatch(/line 1: .*JSON/);
    expect(r.stderr).toMatch(/line 2: expected an object with a string "text"/);
    expect(r.stderr).toMatch(/line 3: expected an object with a string "text"/);
  });

  it('rejects an unknown backend with exit code 2', async () => {
    const r = await runCli(['frontend', '--backend', 'festival']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown backend 'festival'/);
  });

  it('prints its usage with --help', async () => {
    const r = await runCli(['frontend', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toMatch(/^Usage: kittentts frontend \[--strict\]/);
  });
});
