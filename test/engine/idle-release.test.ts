// A rested worker renews its onnxruntime sessions (a new one from the model file, the old one
// released: KITTENTTS_WORKER_IDLE_RELEASE_MS), on real worker threads with the tiny stand-in model:
// a renew task renews what ran since the last one, and the renewed session makes the same audio,
// byte for byte; in a real gateway a rested worker renews on its own, and says so in /metrics.
// Counts and bytes, never time.
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/engine/pool.js';
import type { LoadOk, ModelFiles, SynthesizeOk, WorkerResult } from '../../src/engine/protocol.js';
import { readModelDir } from '../../src/kitten/hub/model-store.js';
import { resolveBlend } from '../../src/kitten/voice-blend.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { postJson } from '../helpers/http.js';
import { waitForAsync } from '../helpers/wait.js';

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

function pool(): WorkerPool {
  const p = new WorkerPool({ workers: 1 });
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

async function renewals(p: WorkerPool, kind: 'ping' | 'renew' = 'ping'): Promise<number> {
  const result = await p.run<WorkerResult>(0, { kind });
  return (result as LoadOk).renewals ?? -1;
}

describe('a worker asked to renew', () => {
  it('renews the session it ran and synthesizes identical audio with the new one', async () => {
    const p = pool();
    const before = await synthesize(p);
    expect(await renewals(p, 'renew')).toBe(1);
    const after = await synthesize(p);
    expect(Buffer.from(after).equals(Buffer.from(before))).toBe(true);
    expect(await renewals(p, 'renew')).toBe(2);
  });

  it('renews nothing that has not run since its last renewal, a load included', async () => {
    const p = pool();
    await synthesize(p);
    await synthesize(p);
    expect(await renewals(p, 'renew')).toBe(1);
    const load = await p.run<WorkerResult>(0, { kind: 'load', model: files, threads: 1 });
    expect(load.ok).toBe(true);
    expect(await renewals(p, 'renew')).toBe(1);
    expect(await renewals(p)).toBe(1);
  });
});

describe('a rested worker in a gateway', () => {
  const scrape = async (gw: TestGateway) => {
    const text = await (await fetch(`${gw.url}/metrics`)).text();
    return Number(/^kittentts_worker_session_renewals_total (\d+)/m.exec(text)?.[1] ?? -1);
  };
  const generate = async (gw: TestGateway) => {
    const res = await postJson(`${gw.url}/api/generate`, { text: TEXT, voice: 'Jasper' });
    expect(res.status).toBe(200);
    return ((await res.json()) as { audio_base64: string }).audio_base64;
  };

  it('renews its session on its own and speaks the same afterwards', async () => {
    const gw = await startTestGateway({
      KITTENTTS_WORKERS: '1',
      KITTENTTS_WORKER_IDLE_RELEASE_MS: '50',
      KITTENTTS_METRICS_PUBLIC: '1',
    });
    try {
      expect(await scrape(gw)).toBe(0);
      const before = await generate(gw);
      await waitForAsync(async () => (await scrape(gw)) >= 1, 20_000, 'a renewal');
      expect(await generate(gw)).toBe(before);
      await waitForAsync(async () => (await scrape(gw)) >= 2, 20_000, 'a second renewal');
    } finally {
      await gw.cleanup();
    }
  });
});
