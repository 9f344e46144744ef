// The edges every request passes before a router: its id and metrics, the answering replica,
// CORS, the body limit and the API key (which paths are public, which defer the key).
import type { Hono } from 'hono';
import { cors } from 'hono/cors';
import { PayloadTooLargeError } from '../errors.js';
import { createAuth } from './auth.js';
import { requestBodyLimit } from './body-limit.js';
import type { AppDeps } from './deps.js';
import { OPENAPI_PUBLIC_PATHS } from './openapi/router.js';
import { PLAYGROUND_PUBLIC_PATHS } from './playground.js';
import { requestContext } from './request-context.js';

/** Request context, replica header, CORS, body limit and API keys, in that order. */
export function useRequestEdges(app: Hono, deps: AppDeps): void {
  const { config } = deps;
  app.use('*', requestContext({ metrics: deps.metrics, log: deps.log }));
  if (deps.cluster) {
    // Which replica answered: for operators, and for the tests that prove a call crossed over.
    const replica = config.replicaId;
    app.use('*', async (c, next) => {
      c.header('x-kittentts-replica', replica);
      await next();
    });
  }
  const allowAll = config.corsOrigins.includes('*');
  app.use(
    '*',
    cors({
      origin: allowAll ? '*' : [...config.corsOrigins],
      allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
      allowHeaders: [
        'Content-Type',
        'Authorization',
        'x-api-key',
        'xi-api-key',
        'Cartesia-Version',
      ],
      exposeHeaders: [
        'x-request-id',
        'Retry-After',
        ...(deps.cluster ? ['x-kittentts-replica'] : []),
      ],
      credentials: false,
      maxAge: 600,
    }),
  );
  app.use(
    '*',
    requestBodyLimit(config.maxBodyBytes, () => {
      throw new PayloadTooLargeError(
        `The request body is larger than ${config.maxBodyBytes} bytes.`,
      );
    }),
  );

  // The page shell and the API description carry no data; everything they call needs the key.
  const publicPaths = [
    ...PLAYGROUND_PUBLIC_PATHS,
    ...OPENAPI_PUBLIC_PATHS,
    '/api/health',
    '/api/ready',
    ...(config.metricsPublic ? ['/metrics'] : []),
  ];
  // ElevenLabs clients may send their key in the first WebSocket message instead of a header.
  const deferredPaths = (p: string) =>
    /^\/v1\/text-to-speech\/[^/]+\/(multi-)?stream-input$/.test(p);
  app.use('*', createAuth({ apiKeys: config.apiKeys, publicPaths, deferredPaths }).middleware);
}
