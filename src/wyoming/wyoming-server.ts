// The Wyoming door: a TCP server (Home Assistant's voice protocol) beside the HTTP port. Each
// connection reads events through the parser and hands them, one at a time, to its
// WyomingConnection; reading pauses while an event is being handled, so a client that sends faster
// than it is served waits in TCP, not in memory. Limits: the connection cap, the idle timeout
// (idle-watch.ts) and the part size (wyoming-deps.ts). It drains with the gateway (shutdown.ts):
// stopAccepting() closes the listening socket, so a new connection is refused by TCP itself.
import net, { type AddressInfo, type Socket } from 'node:net';
import { ConfigError } from '../config.js';
import { listenFailure } from '../ops/listen-failure.js';
import { encodeEvent, errorEvent } from './event.js';
import { EventParser, type ParsedItem } from './event-parser.js';
import { EventWriter } from './event-writer.js';
import { watchIdle } from './idle-watch.js';
import { WyomingConnection } from './wyoming-connection.js';
import type { WyomingDeps } from './wyoming-deps.js';

export interface WyomingServer {
  readonly host: string;
  readonly port: number;
  /** Connections still open. */
  readonly connections: number;
  /** Work in flight on some connection (a synthesis, or audio not yet sent). */
  readonly busy: boolean;
  /** No new connections; requests on open ones are answered `error` (shutting down). */
  stopAccepting(): void;
  /** Ends every connection (FIN after what was written), then forces what is left. */
  close(): Promise<void>;
}

interface Open {
  readonly socket: Socket;
  readonly connection: WyomingConnection;
}

export async function startWyomingServer(
  deps: WyomingDeps,
  where: { host: string; port: number },
): Promise<WyomingServer> {
  const open = new Set<Open>();
  let draining = false;
  // Half-open allowed: a client that has sent its last event (FIN) still gets its answers; the
  // connection closes once they are written, as wyoming's handler ends at end of stream.
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    if (open.size >= deps.limits.maxConnections) {
      const text = `Too many Wyoming connections (limit ${deps.limits.maxConnections}); retry later.`;
      socket.on('error', () => undefined);
      closeAfterFinish(socket);
      socket.end(Buffer.concat(encodeEvent(errorEvent(text, 'too_many_requests'))));
      deps.onEvent?.('connect', 'error');
      return;
    }
    deps.onEvent?.('connect', 'ok');
    const entry = serveConnection(
      socket,
      deps,
      () => draining,
      () => {
        open.delete(entry);
        deps.onConnections?.(open.size);
      },
    );
    open.add(entry);
    deps.onConnections?.(open.size);
  });
  await listen(server, where);
  const address = server.address() as AddressInfo;
  return {
    host: where.host,
    port: address.port,
    get connections() {
      return open.size;
    },
    get busy() {
      return [...open].some((o) => o.connection.busy);
    },
    stopAccepting() {
      draining = true;
      server.close();
    },
    async close() {
      draining = true;
      server.close();
      for (const o of open) {
        o.connection.close();
        o.socket.end();
      }
      const deadline = Date.now() + 2000;
      while (open.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      for (const o of open) o.socket.destroy();
    },
  };
}

function serveConnection(
  socket: Socket,
  deps: WyomingDeps,
  draining: () => boolean,
  onGone: () => void,
): Open {
  socket.setNoDelay(true);
  closeAfterFinish(socket);
  const out = new EventWriter(socket);
  const connection = new WyomingConnection(deps, out, draining);
  const parser = new EventParser({ maxPartBytes: deps.limits.maxPartBytes, keepPayloads: false });
  const inbox: ParsedItem[] = [];
  let handling = false;
  let clientDone = false;
  const work = async () => {
    if (handling) return;
    handling = true;
    socket.pause();
    for (let item = inbox.shift(); item; item = inbox.shift()) {
      if (!out.open) break; // this side has ended: what follows is not answered
      if (item.kind === 'event') await connection.handle(item.event);
      else {
        out.error(item.text, 'bad_request');
        deps.onEvent?.('malformed', 'error');
        if (item.fatal) socket.end();
      }
    }
    handling = false;
    if (clientDone) socket.end();
    else if (!socket.destroyed) socket.resume();
  };
  socket.on('end', () => {
    clientDone = true;
    if (!handling) socket.end();
  });
  socket.on('data', (chunk: Buffer) => {
    if (!out.open) return; // ended by us: read on only to see the client's FIN
    inbox.push(...parser.push(chunk));
    void work();
  });
  const idle = watchIdle(
    socket,
    deps.limits.idleTimeoutMs,
    () => connection.working,
    (stalled) => closeIdle(socket, out, deps.limits.idleTimeoutMs, stalled),
  );
  socket.on('error', () => undefined); // a reset peer: 'close' follows and cleans up
  socket.once('close', () => {
    idle.stop();
    connection.close();
    onGone();
  });
  return { socket, connection };
}

/** Once this side has ended, a peer that does not close its side too is cut off shortly after. */
function closeAfterFinish(socket: Socket): void {
  socket.once('finish', () => setTimeout(() => socket.destroy(), 2000).unref());
}

/**
 * Silent both ways: told so, then ended. Stalled (the client stopped reading what it was sent):
 * cut off at once, as neither an `error` nor a FIN would reach it.
 */
function closeIdle(socket: Socket, out: EventWriter, idleMs: number, stalled: boolean): void {
  if (stalled) {
    socket.destroy();
    return;
  }
  out.error(`Idle for ${Math.round(idleMs / 1000)} s: closing.`, 'idle_timeout');
  socket.end();
}

async function listen(server: net.Server, where: { host: string; port: number }): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(where.port, where.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    throw new ConfigError(
      `Cannot listen for Wyoming on ${where.host}:${where.port}: ${listenFailure(e)}. Choose another KITTENTTS_WYOMING_PORT/KITTENTTS_WYOMING_HOST.`,
    );
  }
}
