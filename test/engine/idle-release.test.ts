// A worker that has been idle after synthesizing renews its onnxruntime session (a new one from the
// model file, the old one released: KITTENTTS_WORKER_IDLE_RELEASE_MS), on real worker threads with
// the tiny stand-in model: it renews once per idle period that followed a run, never when off,
// and the renewed session makes the same audio, byte for byte. Counts and bytes, never time.
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/engine/pool.js';
import type { LoadOk, ModelFiles, SynthesizeOk, WorkerResult } from '../../src/engine/protocol.js';
import { readModelDir } from '../../src/kitten/hub/model-store.js';
import { resolveBlend } from '../../src/kitten/voice-blend.js';

const TINY_DIR = path.resolve('.standin', 'tiny');
const TEXT = 'The quick brown fox jumps over the lazy dog.';
let files: ModelFiles;
const live = new Set<WorkerPool>();

beforeAll(async () => {
  files = await readModelDir('kitten-tts-nano', TINY_DIR);
});

afterEach(async () => {
  await Promise.all([...live].map((pool) => pool.destroy()));
  live.clear();
});

function pool(idleReleaseMs: number): WorkerPool {
  const p = new WorkerPool({ workers: 1, idleReleaseMs });
  live.add(p);
  return p;
}

async function synthesize(p: WorkerPool): Promise<Uint8Array> {
  const voice = resolveBlend('Jasper', files.voiceAliases, files.speedPriors, 1);
  const result = await p.run<WorkerResult>(0, {
    kind: 'chunk',
    model: files,
    threads: 1,
    text: TEXT,
    voice,
  });
  expect(result.ok).toBe(true);
  const { samples } = result as SynthesizeOk;
  return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
}

async function renewals(p: WorkerPool): Promise<number> {
  const result = await p.run<WorkerResult>(0, { kind: 'ping' });
  return (result as LoadOk).renewals ?? -1;
}

/** Asks the worker until it has renewed `count` sessions (the test's timeout bounds the wait). */
async function untilRenewals(p: WorkerPool, count: number): Promise<void> {
  while ((await renewals(p)) < count) await new Promise((r) => setTimeout(r, 20));
}

describe('worker idle release', () => {
  it('renews the session after an idle period and synthesizes identical audio with it', async () => {
    const p = pool(50);
    const before = await synthesize(p);
    await untilRenewals(p, 1);
    const after = await synthesize(p);
    expect(Buffer.from(after).equals(Buffer.from(before))).toBe(true);
    await untilRenewals(p, 2);
    expect(await renewals(p)).toBe(2);
  });

  it('renews once per idle period that followed a run, not again while nothing runs', async () => {
    const p = pool(50);
    await synthesize(p);
    await synthesize(p);
    await untilRenewals(p, 1);
    // A load is work but no run: it does not make the idle worker renew again.
    const load = await p.run<WorkerResult>(0, { kind: 'load', model: files, threads: 1 });
    expect(load.ok).toBe(true);
    const settled = await renewals(p);
    await synthesize(p);
    await untilRenewals(p, settled + 1);
    expect(settled).toBe(1);
  });

  it('never renews when the setting is 0', async () => {
    const p = pool(0);
    await synthesize(p);
    await synthesize(p);
    expect(await renewals(p)).toBe(0);
  });
});
