// Raw HTTP requests to the WebSocket door that never become a socket (the tests of leaks and the
// fuzz test send them): written by hand, since a WebSocket client always completes its handshake.
import net from 'node:net';

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

/** Every incomplete handshake we know: each is a request line and headers, sent raw. */
export const INCOMPLETE_HANDSHAKES: Record<string, string[]> = {
  'no Connection: Upgrade': ['Upgrade: websocket', `Sec-WebSocket-Key: ${KEY}`],
  'no Sec-WebSocket-Key': ['Connection: Upgrade', 'Upgrade: websocket'],
  'a malformed Sec-WebSocket-Key': [
    'Connection: Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Key: short',
    'Sec-WebSocket-Version: 13',
  ],
  'a wrong version': [
    'Connection: Upgrade',
    'Upgrade: websocket',
    `Sec-WebSocket-Key: ${KEY}`,
    'Sec-WebSocket-Version: 7',
  ],
  'no version': ['Connection: Upgrade', 'Upgrade: websocket', `Sec-WebSocket-Key: ${KEY}`],
  'a malformed subprotocol list': [
    'Connection: Upgrade',
    'Upgrade: websocket',
    `Sec-WebSocket-Key: ${KEY}`,
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Protocol: a,,b',
  ],
};

/** Sends one raw request; resolves with the status line (or '' when the server said nothing). */
export function rawRequest(
  port: number,
  headers: string[],
  { dropAfterSend = false } = {},
): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => {
      answer += d.toString('latin1');
      // Once the head is in, hang up: a keep-alive answer would otherwise hold the socket.
      if (answer.includes('\r\n\r\n')) socket.destroy();
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
    socket.write(
      ['GET /api/stream/ws HTTP/1.1', 'Host: 127.0.0.1', ...headers, '', ''].join('\r\n'),
      () => {
        if (dropAfterSend) socket.destroy();
      },
    );
  });
}
