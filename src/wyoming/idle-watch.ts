// A Wyoming connection's idle timeout, measured by progress on the wire: bytes read from the
// client, or bytes of ours that have actually left (written less what the socket still queues).
// Work of the server's own (a synthesis running, nothing waiting to be sent) counts as progress
// too. A client that stops reading makes none: its unsent audio stops flushing and, after the idle
// timeout, the connection is cut (its session with it), instead of holding it forever.
import type { Socket } from 'node:net';

export interface IdleWatch {
  stop(): void;
}

/**
 * Calls `onIdle(stalled)` once the connection has made no progress for `idleMs`; `stalled`: our
 * output is stuck unsent (the client is not reading), else the connection is silent both ways.
 */
export function watchIdle(
  socket: Socket,
  idleMs: number,
  working: () => boolean,
  onIdle: (stalled: boolean) => void,
): IdleWatch {
  const flushed = () => socket.bytesWritten - socket.writableLength;
  let seen = { read: socket.bytesRead, flushed: flushed() };
  let lastProgressMs = Date.now();
  const timer = setInterval(
    () => {
      const now = { read: socket.bytesRead, flushed: flushed() };
      const unsent = socket.writableLength > 0;
      const moved = now.read !== seen.read || now.flushed !== seen.flushed;
      seen = now;
      if (moved || (!unsent && working())) lastProgressMs = Date.now();
      if (Date.now() - lastProgressMs < idleMs) return;
      clearInterval(timer);
      onIdle(unsent);
    },
    Math.min(30_000, Math.max(100, idleMs / 4)),
  ).unref();
  return { stop: () => clearInterval(timer) };
}
