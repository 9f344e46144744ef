// A real gateway for the hardening tests: the tiny stand-in model, an empty offline cache, any
// limit overridden through the same settings an operator would use, and (optionally) the
// test-only worker fault markers switched on.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { loadConfig } from '../../src/config.js';
import { startGateway, type Gateway, type GatewayOptions } from '../../src/gateway.js';

export const TINY_DIR = path.resolve('.standin', 'tiny');

export interface LiveGateway extends Gateway {
  cleanup(): Promise<void>;
}

export async function startLiveGateway(
  env: Record<string, string> = {},
  options: GatewayOptions = {},
): Promise<LiveGateway> {
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'kitten-hard-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    KITTENTTS_CACHE_DIR: cacheDir,
    HF_HUB_OFFLINE: '1',
    KITTENTTS_MODEL_DIRS: `kitten-tts-nano=${TINY_DIR}`,
    KITTENTTS_WORKERS: '2',
    KITTENTTS_LOG_LEVEL: 'silent',
    ...env,
  });
  const gateway = await startGateway(config, options);
  return {
    ...gateway,
    async cleanup() {
      await gateway.close();
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}

export const sentences = (n: number, prefix = 'Sentence') =>
  Array.from({ length: n }, (_, i) => `${prefix} number ${i + 1} is spoken here.`).join(' ');

export function postJson(url: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });
}

export async function waitFor(
  pred: () => boolean,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A WebSocket client that records JSON messages, binary frames and the close code. */
export function wsClient(baseUrl: string, query = '') {
  const ws = new WebSocket(`${baseUrl.replace('http', 'ws')}/api/stream/ws${query}`);
  const json: Array<Record<string, unknown>> = [];
  const binary: Buffer[] = [];
  let closeCode: number | undefined;
  let unexpected: number | undefined;
  ws.on('message', (data, isBinary) => {
    if (isBinary) binary.push(data as Buffer);
    else json.push(JSON.parse(String(data)) as Record<string, unknown>);
  });
  ws.on('unexpected-response', (_req, res) => {
    unexpected = res.statusCode;
    ws.terminate();
  });
  ws.on('error', () => {});
  const closed = new Promise<number>((r) => ws.on('close', (code) => r((closeCode = code))));
  return {
    ws,
    json,
    binary,
    closed,
    get closeCode() {
      return closeCode;
    },
    get rejectedWith() {
      return unexpected;
    },
    send: (msg: unknown) => ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg)),
    types: () => json.map((m) => m.type),
    until: (pred: () => boolean, timeoutMs = 20_000) =>
      waitFor(pred, timeoutMs, `ws: ${JSON.stringify(json).slice(-400)}`),
  };
}
