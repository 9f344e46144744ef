// The request body limit. A body announced by Content-Length is judged by that header alone (Node's
// HTTP parser holds the body to exactly that length), so the request stays @hono/node-server's
// lightweight one: hono's bodyLimit reads `c.req.raw.body` on every request, which builds a whole
// fetch Request (headers copied, a web stream over the socket, an AbortSignal and a finalizer) that
// nothing else here needs; it cost the main thread a few ms per /api/generate (bench question 8).
// Chunked bodies, whose size is known only once read, still go through hono's counting reader.
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

export function requestBodyLimit(maxBytes: number, tooLarge: () => never): MiddlewareHandler {
  const counted = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    const chunked = c.req.header('transfer-encoding') !== undefined;
    const length = c.req.header('content-length');
    if (!chunked && length !== undefined) {
      if (Number.parseInt(length, 10) > maxBytes) tooLarge();
      await next();
      return;
    }
    // A GET or HEAD carries no body unless it is chunked; anything else (a chunked body, or a
    // Request built in-process with no length header) is counted as it is read.
    if (!chunked && (c.req.method === 'GET' || c.req.method === 'HEAD')) {
      await next();
      return;
    }
    return counted(c, next);
  };
}
