// Sending on a WebSocket, shared by the WebSocket door and the dialects' sockets: JSON messages
// to an open socket, and waiting for the socket to drain (backpressure).
import type { WSContext } from 'hono/ws';
import type { WebSocket } from 'ws';

/** Bytes the socket may hold unsent before the session stops pulling audio (backpressure). */
const HIGH_WATER_BYTES = 512 * 1024;

export type Ws = WSContext<WebSocket>;

export function sendJson(ws: Ws, message: Record<string, unknown>): void {
  if (ws.readyState === 1) ws.send(JSON.stringify(message));
}

export async function drained(ws: Ws): Promise<void> {
  while (ws.readyState === 1 && (ws.raw?.bufferedAmount ?? 0) > HIGH_WATER_BYTES) {
    await new Promise((r) => setTimeout(r, 5));
  }
}
