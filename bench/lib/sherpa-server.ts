// A WebSocket streaming server on sherpa-onnx-node, as a user would build one: one single-thread
// engine per core, sentences cut by the same segmenter (sentence mode) and served first in, first
// out by whichever engine is free. It speaks the subset of the gateway's WebSocket protocol the
// conversation benchmark uses (text, flush, end → ready, audio + binary PCM, flushed, done).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { floatToPcm16, pcm16Bytes } from '../../src/audio/float-to-pcm16.js';
import { Segmenter } from '../../src/session/segmenter.js';
import { writeSherpaModel } from './sherpa-model.js';

/** What the benchmarks use of sherpa-onnx-node (it ships no type declarations). */
export interface SherpaAudio {
  samples: Float32Array;
  sampleRate: number;
}
export interface SherpaTts {
  generateAsync(request: { text: string; sid: number; speed: number }): Promise<SherpaAudio>;
}
export interface SherpaModule {
  OfflineTts: new (config: unknown) => SherpaTts;
}

const SID = 0;

export async function loadSherpa(): Promise<SherpaModule> {
  const moduleName = 'sherpa-onnx-node'; // an optional dev dependency without type declarations
  return ((await import(moduleName)) as { default: SherpaModule }).default;
}

/** One sherpa KittenTTS engine on the stand-in laid out for it (writeSherpaModel). */
export function createSherpaEngine(
  sherpa: SherpaModule,
  files: Awaited<ReturnType<typeof writeSherpaModel>>,
  numThreads: number,
): SherpaTts {
  return new sherpa.OfflineTts({
    model: {
      kitten: {
        model: files.model,
        voices: files.voices,
        tokens: files.tokens,
        dataDir: files.dataDir,
      },
      numThreads,
      provider: 'cpu',
      debug: false,
    },
    maxNumSentences: 1,
  });
}

export async function startSherpaServer(
  modelDir: string,
  engines: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const sherpa = await loadSherpa();
  const files = await writeSherpaModel(modelDir, path.resolve('.standin', 'nano-sherpa'));
  if (!files.dataDir)
    throw new Error('no espeak-ng-data folder found (sherpa phonemizes with espeak-ng)');
  const make = () => createSherpaEngine(sherpa, files, 1);
  const free: SherpaTts[] = Array.from({ length: engines }, make);
  for (const engine of free) await engine.generateAsync({ text: 'Warm up.', sid: SID, speed: 1 });
  const fifo: Array<{
    text: string;
    resolve: (a: SherpaAudio) => void;
    reject: (e: unknown) => void;
  }> = [];
  const pump = () => {
    while (free.length > 0 && fifo.length > 0) {
      const engine = free.pop()!;
      const job = fifo.shift()!;
      engine
        .generateAsync({ text: job.text, sid: SID, speed: 1 })
        .then(job.resolve, job.reject)
        .finally(() => {
          free.push(engine);
          pump();
        });
    }
  };
  const synthesize = (text: string) =>
    new Promise<SherpaAudio>((resolve, reject) => {
      fifo.push({ text, resolve, reject });
      pump();
    });

  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server, path: '/api/stream/ws' });
  wss.on('connection', (ws: WebSocket) => serveSession(ws, synthesize));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** One session: sentences in order, each answered as soon as it and everything before it is done. */
function serveSession(ws: WebSocket, synthesize: (text: string) => Promise<SherpaAudio>): void {
  const segmenter = new Segmenter({ firstChunk: 'sentence' });
  let tail: Promise<void> = Promise.resolve();
  let seq = 0;
  const send = (msg: unknown) => ws.readyState === 1 && ws.send(JSON.stringify(msg));
  const enqueue = (sentences: string[], after?: () => void) => {
    const pending = sentences.map((text) => ({ text, audio: synthesize(text) }));
    tail = tail.then(async () => {
      for (const p of pending) {
        const audio = await p.audio;
        const bytes = pcm16Bytes(floatToPcm16(audio.samples));
        send({
          type: 'audio',
          seq: seq++,
          text: p.text,
          duration: audio.samples.length / audio.sampleRate,
          sample_rate: audio.sampleRate,
          format: 'pcm',
          bytes: bytes.byteLength,
        });
        if (ws.readyState === 1) ws.send(bytes);
      }
      after?.();
    });
  };
  send({ type: 'ready', sample_rate: 24000, format: 'pcm' });
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data)) as { type: string; text?: string };
    if (msg.type === 'text') enqueue(segmenter.push(msg.text ?? ''));
    else if (msg.type === 'flush') enqueue(segmenter.flush(), () => send({ type: 'flushed' }));
    else if (msg.type === 'end')
      enqueue(segmenter.flush(), () => {
        send({ type: 'flushed' });
        send({ type: 'done' });
        ws.close(1000, 'done');
      });
  });
}
