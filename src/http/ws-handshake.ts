// What the WebSocket door checks before an upgrade, as plain HTTP answers: a handshake that can
// become a socket, from an origin allowed to open one.
import { echo, GatewayError } from '../errors.js';

/** A Sec-WebSocket-Key is 16 random bytes in base64 (RFC 6455 4.1), as `ws` checks it. */
const WS_KEY = /^[+/0-9A-Za-z]{22}==$/;

/**
 * Before the upgrade: a complete WebSocket handshake (RFC 6455 4.2.1), so that a request which
 * could never become a socket is refused before a session exists for it.
 */
export function checkHandshake(header: (name: string) => string | undefined): void {
  const connection = (header('connection') ?? '').toLowerCase().split(',');
  if (
    header('upgrade')?.toLowerCase() !== 'websocket' ||
    !connection.some((token) => token.trim() === 'upgrade')
  ) {
    throw new GatewayError(
      426,
      'bad_request',
      'This endpoint speaks WebSocket: connect with a WebSocket client (Connection: Upgrade, Upgrade: websocket).',
    );
  }
  if (!WS_KEY.test(header('sec-websocket-key') ?? '')) {
    throw new GatewayError(400, 'bad_request', 'A WebSocket handshake needs a Sec-WebSocket-Key.');
  }
  const version = header('sec-websocket-version');
  if (version !== '13' && version !== '8') {
    throw new GatewayError(
      426,
      'bad_request',
      'Unsupported Sec-WebSocket-Version: this server speaks version 13.',
    );
  }
}

/** Before the upgrade: the page that opens the socket is from an allowed origin. */
export function checkOrigin(origin: string | undefined, corsOrigins: readonly string[]): void {
  // CORS does not cover WebSocket: a page from another origin could open one with the
  // visitor's network position, so the allowed origins are checked here (clients outside a
  // browser send no Origin and are not affected).
  if (origin !== undefined && !corsOrigins.includes('*') && !corsOrigins.includes(origin)) {
    throw new GatewayError(
      403,
      'forbidden',
      `WebSocket connections from origin '${echo(origin, 100)}' are not allowed (KITTENTTS_CORS_ORIGINS).`,
    );
  }
}
