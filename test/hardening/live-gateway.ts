// A real gateway for the hardening tests: the tiny stand-in model, an empty offline cache, any
// limit overridden through the same settings an operator would use, and (optionally) the
// test-only worker fault markers switched on.
import WebSocket from 'ws';

// Same gateway as every other test's (test/helpers/gateway.ts); the name says what these tests use it for.
export {
  TINY_DIR,
  startTestGateway as startLiveGateway,
  type TestGateway as LiveGateway,
} from '../helpers/gateway.js';

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
