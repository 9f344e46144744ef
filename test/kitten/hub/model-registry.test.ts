import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_MODEL_ID,
  ModelRefError,
  SEED_MODELS,
  findSeedModel,
  resolveModelRef,
} from '../../../src/kitten/hub/model-registry.js';

describe('SEED_MODELS', () => {
  it('is the seed /api/models table, in the seed order', () => {
    expect(SEED_MODELS.map(({ repo: _repo, ...row }) => row)).toEqual([
      {
        id: 'kitten-tts-nano',
        name: 'Nano (FP32)',
        params: '15M',
        size: '56MB',
        description: '⭐ Best quality - Full 32-bit precision',
        quality: 'best',
        precision: 'FP32',
      },
      {
        id: 'kitten-tts-mini',
        name: 'Mini (INT8)',
        params: '80M',
        size: '80MB',
        description: 'Largest model, INT8 quantized',
        quality: 'good',
        precision: 'INT8',
      },
      {
        id: 'kitten-tts-micro',
        name: 'Micro (INT8)',
        params: '40M',
        size: '41MB',
        description: 'Balanced size, INT8 quantized',
        quality: 'good',
        precision: 'INT8',
      },
      {
        id: 'kitten-tts-nano-int8',
        name: 'Nano (INT8)',
        params: '15M',
        size: '19MB',
        description: 'Smallest, INT8 quantized',
        quality: 'basic',
        precision: 'INT8',
      },
    ]);
  });

  it('maps each seed id to its Hugging Face repo', () => {
    expect(Object.fromEntries(SEED_MODELS.map((m) => [m.id, m.repo]))).toEqual({
      'kitten-tts-nano': 'KittenML/kitten-tts-nano-0.8-fp32',
      'kitten-tts-nano-int8': 'KittenML/kitten-tts-nano-0.8-int8',
      'kitten-tts-micro': 'KittenML/kitten-tts-micro-0.8',
      'kitten-tts-mini': 'KittenML/kitten-tts-mini-0.8',
    });
    expect(DEFAULT_MODEL_ID).toBe('kitten-tts-nano');
    expect(findSeedModel(DEFAULT_MODEL_ID)?.precision).toBe('FP32');
  });
});

describe('resolveModelRef', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'kitten-ref-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('resolves a seed id to its repo', () => {
    expect(resolveModelRef('kitten-tts-micro')).toMatchObject({
      kind: 'seed',
      id: 'kitten-tts-micro',
      repo: 'KittenML/kitten-tts-micro-0.8',
    });
  });

  it('takes a hub repo id as is and prefixes a bare name with KittenML/, as upstream', () => {
    expect(resolveModelRef('KittenML/kitten-tts-mini-0.8')).toEqual({
      kind: 'hub',
      id: 'KittenML/kitten-tts-mini-0.8',
      repo: 'KittenML/kitten-tts-mini-0.8',
    });
    expect(resolveModelRef('someone/my_tts.v2')).toMatchObject({
      kind: 'hub',
      repo: 'someone/my_tts.v2',
    });
    expect(resolveModelRef('kitten-tts-nano-0.1')).toEqual({
      kind: 'hub',
      id: 'kitten-tts-nano-0.1',
      repo: 'KittenML/kitten-tts-nano-0.1',
    });
  });

  it('treats path-like references and existing model folders as local folders', () => {
    expect(resolveModelRef(tmp)).toEqual({ kind: 'dir', id: tmp, dir: tmp });
    expect(resolveModelRef('./models/nano')).toMatchObject({
      kind: 'dir',
      dir: path.resolve('models/nano'),
    });
    expect(resolveModelRef('~/m')).toMatchObject({
      kind: 'dir',
      dir: path.join(os.homedir(), 'm'),
    });
    writeFileSync(path.join(tmp, 'config.json'), '{}');
    const relative = path.relative(process.cwd(), tmp);
    expect(resolveModelRef(relative)).toMatchObject({ kind: 'dir', dir: tmp });
  });

  it.each([['a/b/c'], ['has space'], ['KittenML/..'], ['owner/-bad'], ['']])(
    'rejects %j with a message naming what is accepted',
    (ref) => {
      expect(() => resolveModelRef(ref)).toThrow(ModelRefError);
      expect(() => resolveModelRef(ref)).toThrow(
        /is not a model id \(kitten-tts-nano, .*\), a Hugging Face repo id/,
      );
    },
  );
});
