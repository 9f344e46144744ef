// The HTTP server's listen: the configured timeouts, the WebSocket upgrade, and a failure to listen
// turned into a ConfigError that says why (the port taken, the host unknown…).
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { WebSocketServer } from 'ws';
import { ConfigError, type Config } from '../config.js';
import { listenFailure } from './listen-failure.js';

/** Listens with the configured timeouts; a failure to listen becomes a ConfigError saying why. */
export async function listen(
  config: Config,
  wss: WebSocketServer,
  fetch: Hono['fetch'],
): Promise<Server> {
  try {
    return await new Promise<Server>((resolve, reject) => {
      const s = serve(
        {
          fetch,
          port: config.port,
          hostname: config.host,
          websocket: { server: wss },
          serverOptions: {
            headersTimeout: config.headersTimeoutMs,
            requestTimeout: config.requestTimeoutMs,
            keepAliveTimeout: config.keepAliveTimeoutMs,
            // Node checks those timeouts on this interval (30 s by default, too coarse for them).
            connectionsCheckingInterval: Math.min(
              30_000,
              Math.max(100, Math.min(config.headersTimeoutMs, config.requestTimeoutMs) / 4),
            ),
          },
        },
        () => {
          s.off('error', reject);
          resolve(s as Server);
        },
      ) as Server;
      s.once('error', reject);
    });
  } catch (e) {
    throw new ConfigError(
      `Cannot listen on ${config.host}:${config.port}: ${listenFailure(e)}. Choose another PORT/HOST.`,
    );
  }
}

/** The URL a listening server answers on (an IPv6 host in brackets). */
export function serverUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
