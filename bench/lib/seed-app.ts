// The seed's architecture, as a baseline: the same /api/generate and /api/health routes, but the
// model runs on the event loop (KittenSynthesizer called from the request handler, as the seed's
// server does), so every request, cheap or not, waits behind whole inferences.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { encodeWav } from '../../src/audio/wav-encoder.js';
import { readModelDir } from '../../src/kitten/hub/model-store.js';
import { createPhonemizer } from '../../src/kitten/frontend/phonemize.js';
import { KittenSynthesizer } from '../../src/kitten/synthesizer.js';
import { MODEL_ID } from './standin-model.js';

export interface SeedServer {
  url: string;
  close(): Promise<void>;
}

export interface SeedServerOptions {
  /** onnxruntime intra-op threads; the seed left the runtime default (one per core). */
  intraOpThreads: number;
}

export async function startSeedServer(
  modelDir: string,
  options: SeedServerOptions,
): Promise<SeedServer> {
  const files = await readModelDir(MODEL_ID, modelDir);
  const synth = await KittenSynthesizer.load(files, options.intraOpThreads);
  const phonemizer = await createPhonemizer();
  const app = new Hono();
  app.get('/api/health', (c) => c.json({ status: 'healthy', loaded_models: [MODEL_ID] }));
  app.post('/api/generate', async (c) => {
    const t0 = performance.now();
    const body = (await c.req.json()) as { text: string; voice?: string; speed?: number };
    const out = await synth.synthesize(
      body.text,
      body.voice ?? 'Jasper',
      body.speed ?? 1,
      true,
      phonemizer,
    );
    const wav = encodeWav(out.samples, 24000);
    const durationS = out.samples.length / 24000;
    return c.json({
      audio_base64: Buffer.from(wav.buffer, wav.byteOffset, wav.byteLength).toString('base64'),
      sample_rate: 24000,
      duration: durationS,
      debug_info: {
        generation_time: out.inferenceMs / 1000,
        total_time: (performance.now() - t0) / 1000,
      },
    });
  });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(s as Server),
    ) as Server;
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await synth.release();
    },
  };
}
