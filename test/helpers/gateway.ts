// Starts a real gateway on port 0 with the tiny stand-in model served as kitten-tts-nano, an
// empty offline cache so no test can reach a network, and the synthesis cache off (unless asked).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { startGateway, type Gateway, type GatewayOptions } from '../../src/gateway.js';

export const TINY_DIR = path.resolve('.standin', 'tiny');

export interface TestGateway extends Gateway {
  /** Its own KITTENTTS_CACHE_DIR, removed by cleanup(). */
  readonly cacheDir: string;
  cleanup(): Promise<void>;
}

export async function startTestGateway(
  env: Record<string, string> = {},
  options: GatewayOptions = {},
): Promise<TestGateway> {
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'kitten-cache-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    KITTENTTS_CACHE_DIR: cacheDir,
    HF_HUB_OFFLINE: '1',
    KITTENTTS_MODEL_DIRS: `kitten-tts-nano=${TINY_DIR}`,
    KITTENTTS_WORKERS: '2',
    KITTENTTS_LOG_LEVEL: 'silent',
    // Off unless a test turns it on: many tests repeat a sentence to keep workers busy.
    KITTENTTS_SYNTH_CACHE_MB: '0',
    ...env,
  });
  const gateway = await startGateway(config, options);
  return {
    ...gateway,
    url: gateway.url,
    cacheDir,
    async cleanup() {
      await gateway.close();
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}

/** Parses a 16-bit PCM mono WAV; throws if the header is not what the gateway promises. */
export function parseWav(bytes: Uint8Array): {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  samples: Int16Array;
} {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (o: number) => String.fromCharCode(...bytes.subarray(o, o + 4));
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not a RIFF/WAVE file');
  let offset = 12;
  let fmt: { channels: number; sampleRate: number; bitsPerSample: number } | undefined;
  while (offset + 8 <= bytes.length) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    if (id === 'fmt ') {
      fmt = {
        channels: view.getUint16(offset + 10, true),
        sampleRate: view.getUint32(offset + 12, true),
        bitsPerSample: view.getUint16(offset + 22, true),
      };
    } else if (id === 'data') {
      if (!fmt) throw new Error('data before fmt');
      const n = Math.min(size, bytes.length - offset - 8) / 2;
      const samples = new Int16Array(n);
      for (let i = 0; i < n; i++) samples[i] = view.getInt16(offset + 8 + i * 2, true);
      return { ...fmt, samples };
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error('no data chunk');
}

/** `n` numbered sentences of text: one model chunk each. */
export const sentences = (n: number, prefix = 'Sentence') =>
  Array.from({ length: n }, (_, i) => `${prefix} number ${i + 1} is spoken here.`).join(' ');
