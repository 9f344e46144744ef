// Per-request bookkeeping: a request id (the client's x-request-id when it is sane, else a new one)
// echoed in the response, an access log line at info level, and the HTTP request counter labelled
// by route pattern (never by raw path, which would explode the metric's cardinality).
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Metrics } from '../ops/metrics.js';

const SANE_ID = /^[\w.:-]{1,128}$/;

export function requestContext(deps: {
  metrics: Metrics;
  log?: (level: 'info', msg: string, fields?: Record<string, unknown>) => void;
}): MiddlewareHandler {
  return async (c, next) => {
    const t0 = performance.now();
    const incoming = c.req.header('x-request-id');
    const id = incoming && SANE_ID.test(incoming) ? incoming : randomUUID();
    c.set('requestId' as never, id as never);
    c.header('x-request-id', id);
    await next();
    const route = routePath(c) || 'unmatched';
    const status = c.res.status;
    deps.metrics.httpRequests.inc({ route, method: c.req.method, status: String(status) });
    deps.log?.('info', 'request', {
      requestId: id,
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round((performance.now() - t0) * 10) / 10,
    });
  };
}
