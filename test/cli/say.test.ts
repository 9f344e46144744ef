import { readFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const MODEL_ENV = {
  KITTENTTS_MODEL_DIRS: `kitten-tts-nano=${path.resolve('.standin/tiny')}`,
  HF_HUB_OFFLINE: '1',
};

/** The fields of a PCM WAV header the gateway writes (44 bytes, one data chunk). */
function wavInfo(b: Buffer) {
  return {
    riff: b.toString('ascii', 0, 4),
    wave: b.toString('ascii', 8, 12),
    channels: b.readUInt16LE(22),
    sampleRateHz: b.readUInt32LE(24),
    bits: b.readUInt16LE(34),
    dataBytes: b.readUInt32LE(40),
  };
}

describe('kittentts say', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'kittentts-say-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes a 24 kHz mono 16-bit WAV file and a summary on stderr', async () => {
    const out = path.join(dir, 'hello.wav');
    const r = await runCli(['say', 'Hello world.', '-o', out, '--voice', 'Bella'], {
      env: MODEL_ENV,
    });
    expect(r.stderr).toMatch(/^wrote \d+\.\d\d s of wav audio to .*hello\.wav/m);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBe(0);
    const wav = await readFile(out);
    const info = wavInfo(wav);
    expect(info).toMatchObject({
      riff: 'RIFF',
      wave: 'WAVE',
      channels: 1,
      sampleRateHz: 24_000,
      bits: 16,
    });
    expect(info.dataBytes).toBeGreaterThan(0);
    expect(wav.length).toBe(44 + info.dataBytes);
  });

  it('writes to stdout without -o and reads the text from stdin', async () => {
    const r = await runCli(['say', '--quiet'], { env: MODEL_ENV, stdin: 'Text from a pipe.' });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(wavInfo(r.stdout)).toMatchObject({ riff: 'RIFF', sampleRateHz: 24_000 });
    expect(r.stdout.length).toBe(44 + wavInfo(r.stdout).dataBytes);
  });

  it('takes the format from the file extension', async () => {
    const out = path.join(dir, 'hello.flac');
    const r = await runCli(['say', 'Hi.', '-o', out, '--quiet'], { env: MODEL_ENV });
    expect(r.code).toBe(0);
    expect((await readFile(out)).toString('ascii', 0, 4)).toBe('fLaC');
  });

  it('writes G.711 μ-law at 8 kHz for a .ul file: a third as many samples as 24 kHz pcm', async () => {
    const text = ['say', 'Hello world.', '--quiet'];
    const pcm = await runCli([...text, '--format', 'pcm'], { env: MODEL_ENV });
    const out = path.join(dir, 'hello.ul');
    const ul = await runCli([...text, '-o', out], { env: MODEL_ENV });
    expect([pcm.code, ul.code]).toEqual([0, 0]);
    expect((await readFile(out)).length).toBe(Math.ceil(pcm.stdout.length / 2 / 3));
  });

  it('rejects bad options on stderr with exit code 2 before loading a model', async () => {
    const cases: [string[], RegExp][] = [
      [['Hi.', '--voice', 'Nobody'], /unknown voice 'Nobody'; choose one of Bella/],
      [['Hi.', '--speed', '9'], /--speed must be a number between 0.25 and 3/],
      [['Hi.', '-o', path.join(dir, 'x.m4a')], /cannot tell the audio format from '\.m4a'/],
      [['Hi.', '--format', 'aac'], /unknown format 'aac'/],
      [['Hi.', '--bogus'], /Unknown option '--bogus'/],
      [['   '], /no text to say/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['say', ...args], { env: MODEL_ENV });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout.length).toBe(0);
      expect(r.stderr).toMatch(message);
    }
  });

  it('fails with exit code 1 when the model cannot be loaded', async () => {
    const r = await runCli(['say', 'Hi.', '-o', path.join(dir, 'never.wav')], {
      env: { KITTENTTS_MODEL_DIRS: `kitten-tts-nano=${path.join(dir, 'missing')}` },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^kittentts say: .*config\.json/m);
  });

  it('prints its usage with --help', async () => {
    const r = await runCli(['say', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toMatch(/^Usage: kittentts say/);
  });
});
