// One WebSocket client for the tests and the benchmarks: opens a gateway's /api/stream/ws, records
// every JSON message and binary frame (or only hands them, with their arrival time, to callbacks),
// and says how the upgrade went and how the connection ended. No test framework here, so bench/
// imports it too.
import WebSocket, { type ClientOptions } from 'ws';

export type WsMessage = Record<string, unknown>;

export interface WsClientOptions {
  /** Another door's path (default /api/stream/ws). */
  path?: string;
  /** The query: '?voice=Leo', 'voice=Leo' or its parameters. */
  query?: string | Record<string, string>;
  /** ws's own client options (origin, headers). */
  ws?: ClientOptions;
  /** Keep every message in `json` and `binary` (default true); long benchmark runs turn it off. */
  record?: boolean;
  /** Each JSON message as it arrives, with performance.now() taken on its arrival. */
  onJson?: (msg: WsMessage, at: number) => void;
  /** Each binary frame as it arrives, with performance.now() taken on its arrival. */
  onBinary?: (data: Buffer, at: number) => void;
}

export interface WsClient {
  readonly ws: WebSocket;
  readonly json: WsMessage[];
  readonly binary: Buffer[];
  /** 101 once the socket is open, or the HTTP status that refused the upgrade (after its body). */
  readonly upgrade: Promise<number>;
  /** The server's `ready` message; rejects if the upgrade fails or the socket ends first. */
  readonly ready: Promise<WsMessage>;
  /** The close code; always resolves (a refused upgrade or a failed socket closes too). */
  readonly closed: Promise<number>;
  readonly closeCode: number | undefined;
  /** Status and body of the response that refused the upgrade. */
  readonly rejectedWith: number | undefined;
  readonly rejectedBody: string | undefined;
  /** The socket's first error, if any. */
  readonly error: Error | undefined;
  /** Sends a string as it is, anything else as JSON. */
  send(msg: unknown): void;
  /** The `type` of every JSON message so far. */
  types(): unknown[];
  /** Waits until `pred` holds (checked on every message and at least every 50 ms). */
  until(pred: () => boolean, timeoutMs?: number): Promise<void>;
}

export function wsUrl(
  baseUrl: string,
  query: WsClientOptions['query'] = '',
  path = '/api/stream/ws',
): string {
  const q =
    typeof query === 'string'
      ? query.replace(/^(?=[^?])/, '?')
      : `?${new URLSearchParams(query).toString()}`;
  return `${baseUrl.replace(/^http/, 'ws')}${path}${q === '?' ? '' : q}`;
}

/** Connects to `baseUrl`'s WebSocket door; a string second argument is the query. */
export function wsClient(baseUrl: string, queryOrOptions: string | WsClientOptions = {}): WsClient {
  const options = typeof queryOrOptions === 'string' ? { query: queryOrOptions } : queryOrOptions;
  const record = options.record ?? true;
  const ws = new WebSocket(wsUrl(baseUrl, options.query, options.path), options.ws);
  const json: WsMessage[] = [];
  const binary: Buffer[] = [];
  let closeCode: number | undefined;
  let rejectedWith: number | undefined;
  let rejectedBody: string | undefined;
  let error: Error | undefined;
  const waiting = new Set<() => void>();
  const wake = () => {
    for (const w of waiting) w();
  };

  let settleUpgrade!: { resolve: (status: number) => void; reject: (err: Error) => void };
  const upgrade = new Promise<number>((resolve, reject) => (settleUpgrade = { resolve, reject }));
  let settleReady!: { resolve: (msg: WsMessage) => void; reject: (err: Error) => void };
  const ready = new Promise<WsMessage>((resolve, reject) => (settleReady = { resolve, reject }));
  // Neither has to be awaited: a test that only looks at `closed` must not see them as unhandled.
  upgrade.catch(() => {});
  ready.catch(() => {});

  ws.on('open', () => settleUpgrade.resolve(101));
  ws.on('message', (data, isBinary) => {
    const at = performance.now();
    if (isBinary) {
      if (record) binary.push(data as Buffer);
      options.onBinary?.(data as Buffer, at);
    } else {
      const msg = JSON.parse(String(data)) as WsMessage;
      if (record) json.push(msg);
      if (msg.type === 'ready') settleReady.resolve(msg);
      options.onJson?.(msg, at);
    }
    wake();
  });
  ws.on('unexpected-response', (_req, res) => {
    rejectedWith = res.statusCode;
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (d: string) => (body += d));
    const done = () => {
      rejectedBody = body;
      settleUpgrade.resolve(rejectedWith ?? 0);
      settleReady.reject(new Error(`the upgrade was refused with HTTP ${rejectedWith}`));
      ws.terminate();
    };
    res.on('end', done);
    res.on('error', done);
  });
  ws.on('error', (err) => {
    error ??= err;
    settleUpgrade.reject(err);
    settleReady.reject(err);
  });
  const closed = new Promise<number>((resolve) =>
    ws.on('close', (code) => {
      closeCode = code;
      settleReady.reject(new Error(`the socket closed (${code}) before the server was ready`));
      wake();
      resolve(code);
    }),
  );

  return {
    ws,
    json,
    binary,
    upgrade,
    ready,
    closed,
    get closeCode() {
      return closeCode;
    },
    get rejectedWith() {
      return rejectedWith;
    },
    get rejectedBody() {
      return rejectedBody;
    },
    get error() {
      return error;
    },
    send: (msg) => ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg)),
    types: () => json.map((m) => m.type),
    until: async (pred, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!pred()) {
        if (Date.now() > deadline)
          throw new Error(`timed out waiting on ws; got ${JSON.stringify(json).slice(-400)}`);
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            waiting.delete(done);
            resolve();
          };
          const timer = setTimeout(done, 50);
          waiting.add(done);
        });
      }
    },
  };
}
