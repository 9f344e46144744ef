// A small Wyoming client for the tests and the benchmarks, written from the reference
// implementation (the `wyoming` Python package 1.9, event.py): it writes an event as
// async_write_event does (a header line with type, version and the lengths, then the data as JSON,
// then the payload) and reads one as async_read_event does (readline, readexactly(data_length)
// merged over the header's data, readexactly(payload_length)). No test framework here, so bench/
// imports it too.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { waitForAsync } from './wait.js';

export interface ClientEvent {
  type: string;
  data: Record<string, unknown>;
  payload?: Buffer;
  /** performance.now() when the event was complete. */
  at: number;
}

export interface WyomingClient {
  readonly socket: net.Socket;
  /** Every event read so far, in order. */
  readonly events: ClientEvent[];
  /** Writes one event, as wyoming's async_write_event. */
  send(type: string, data?: Record<string, unknown>, payload?: Uint8Array): void;
  /** The bytes async_write_event would write for that event (to send them split, or altered). */
  encode(type: string, data?: Record<string, unknown>, payload?: Uint8Array): Buffer;
  /** The next event not yet returned by next()/until(); rejects if the connection ends first. */
  next(timeoutMs?: number): Promise<ClientEvent>;
  /** Reads events until one of `type` (included); returns them. */
  until(type: string, timeoutMs?: number): Promise<ClientEvent[]>;
  /** Resolves when the server has closed the connection. */
  readonly ended: Promise<void>;
  close(): void;
}

export function encodeWyoming(
  type: string,
  data: Record<string, unknown> = {},
  payload?: Uint8Array,
): Buffer {
  const header: Record<string, unknown> = { type, version: '1.9.0' };
  const dataBytes = Object.keys(data).length > 0 ? Buffer.from(JSON.stringify(data)) : undefined;
  if (dataBytes) header.data_length = dataBytes.length;
  if (payload && payload.length > 0) header.payload_length = payload.length;
  return Buffer.concat([
    Buffer.from(`${JSON.stringify(header)}\n`),
    ...(dataBytes ? [dataBytes] : []),
    ...(payload && payload.length > 0 ? [Buffer.from(payload)] : []),
  ]);
}

/** Splits a byte stream into events the way async_read_event reads them. */
class Reader {
  private buf = Buffer.alloc(0);
  private header: { type: string; data: Record<string, unknown>; dl: number; pl: number } | null =
    null;

  push(chunk: Buffer, at: number): ClientEvent[] {
    this.buf = Buffer.concat([this.buf, chunk]);
    const out: ClientEvent[] = [];
    for (;;) {
      if (!this.header) {
        const nl = this.buf.indexOf(0x0a);
        if (nl < 0) return out;
        const h = JSON.parse(this.buf.subarray(0, nl).toString('utf8')) as Record<string, unknown>;
        this.buf = this.buf.subarray(nl + 1);
        this.header = {
          type: h.type as string,
          data: (h.data as Record<string, unknown>) ?? {},
          dl: (h.data_length as number) ?? 0,
          pl: (h.payload_length as number) ?? 0,
        };
      }
      const { dl, pl } = this.header;
      if (this.buf.length < dl + pl) return out;
      const data =
        dl > 0
          ? { ...this.header.data, ...JSON.parse(this.buf.subarray(0, dl).toString('utf8')) }
          : this.header.data;
      const payload = pl > 0 ? Buffer.from(this.buf.subarray(dl, dl + pl)) : undefined;
      this.buf = this.buf.subarray(dl + pl);
      out.push({ type: this.header.type, data, payload, at });
      this.header = null;
    }
  }
}

export async function wyomingClient(port: number, host = '127.0.0.1'): Promise<WyomingClient> {
  const socket = net.connect({ port, host, noDelay: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const reader = new Reader();
  const events: ClientEvent[] = [];
  let read = 0;
  let isEnded = false;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of waiters) w();
  };
  socket.on('data', (chunk: Buffer) => {
    events.push(...reader.push(chunk, performance.now()));
    wake();
  });
  socket.on('error', () => undefined);
  const ended = new Promise<void>((resolve) =>
    socket.once('close', () => {
      isEnded = true;
      wake();
      resolve();
    }),
  );
  const next = (timeoutMs = 30_000) =>
    new Promise<ClientEvent>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no Wyoming event within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        if (read < events.length) resolve(events[read++]!);
        else if (isEnded) reject(new Error('the connection ended'));
        else return;
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return {
    socket,
    events,
    send: (type, data, payload) => void socket.write(encodeWyoming(type, data, payload)),
    encode: encodeWyoming,
    next,
    async until(type, timeoutMs) {
      const got: ClientEvent[] = [];
      for (;;) {
        const ev = await next(timeoutMs);
        got.push(ev);
        if (ev.type === type) return got;
      }
    },
    ended,
    close: () => socket.destroy(),
  };
}

/** The PCM16 samples of every audio-chunk among `events`, joined. */
export function pcmOf(events: readonly ClientEvent[]): Int16Array {
  const bytes = Buffer.concat(
    events.filter((e) => e.type === 'audio-chunk').map((e) => e.payload!),
  );
  // A copy of its own: a pooled Buffer may start at an odd offset, which Int16Array refuses.
  return new Int16Array(new Uint8Array(bytes).buffer);
}

/** The gateway's kittentts_wyoming_connections gauge; throws if /metrics does not have it. */
export async function wyomingConnections(gatewayUrl: string): Promise<number> {
  const metrics = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const match = /^kittentts_wyoming_connections (\d+)$/m.exec(metrics);
  if (!match) throw new Error('/metrics has no kittentts_wyoming_connections');
  return Number(match[1]);
}

/** What a peer that does not read may make the server queue, beyond its own mark (512 KiB). */
export function kernelBufferBytes(): number {
  const max = (file: string) => {
    try {
      return Number(readFileSync(file, 'utf8').trim().split(/\s+/)[2]);
    } catch {
      return 32 * 1024 * 1024;
    }
  };
  return max('/proc/sys/net/ipv4/tcp_wmem') + max('/proc/sys/net/ipv4/tcp_rmem');
}

/**
 * Writes `count` events of `line` to the Wyoming port without ever reading; resolves once the
 * server has cut the connection off (a client that does not read would not see it).
 */
export async function neverReading(
  gatewayUrl: string,
  port: number,
  line: string,
  count: number,
): Promise<void> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.pause();
  socket.write(line.repeat(count));
  await waitForAsync(async () => (await wyomingConnections(gatewayUrl)) === 1);
  await waitForAsync(async () => (await wyomingConnections(gatewayUrl)) === 0);
  socket.destroy();
}
