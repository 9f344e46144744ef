// createApp(deps): the Hono application — CORS, body limits, the routers of every door, and the
// one error hook that turns any failure into {detail} with the right status.
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Config } from './config.js';
import type { Engine } from './engine/engine.js';
import { echo, GatewayError, NotFoundError, PayloadTooLargeError } from './errors.js';
import { createAuth } from './http/auth.js';
import { renderOpenAiError } from './http/openai-errors.js';
import { openaiRoutes } from './http/openai.js';
import { OPENAPI_PUBLIC_PATHS, openapiRoutes } from './http/openapi/router.js';
import { PLAYGROUND_PUBLIC_PATHS, playgroundRoutes } from './http/playground.js';
import { requestContext } from './http/request-context.js';
import type { Metrics } from './metrics.js';
import type { GenerationStats } from './generation-stats.js';
import { apiRoutes } from './http/api.js';
import type { Schemas } from './http/schemas.js';
import { streamRestRoutes } from './http/stream-rest.js';
import { streamSseRoutes } from './http/stream-sse.js';
import { streamWsRoutes } from './http/stream-ws.js';
import type { SessionRegistry } from './session/session-registry.js';
import type { TtsSession, TtsSessionOptions } from './session/tts-session.js';

export interface ModelListing {
  id: string;
  name: string;
  params: string;
  size: string;
  description: string;
  quality: string;
  precision: string;
}

/** What the HTTP layer knows about models: the catalogue and the engine's load state. */
export interface ModelCatalog {
  readonly defaultId: string;
  list(): ModelListing[];
  ids(): string[];
  loadedModels(): string[];
  modelLoadTimes(): Record<string, number>;
  /** Cached figure; never walks the disk on every call. */
  cacheSizeBytes(): Promise<number>;
}

export interface AppDeps {
  config: Config;
  engine: Engine;
  catalog: ModelCatalog;
  stats: GenerationStats;
  schemas: Schemas;
  sessions: SessionRegistry<TtsSession>;
  /** A new session with the server's limits applied (real-time doors pass admission first). */
  openSession: (options: TtsSessionOptions, door: 'rest' | 'ws' | 'sse' | 'openai') => TtsSession;
  metrics: Metrics;
  /** Which API key (by keyId) created each session, when keys are on. */
  sessionOwners: WeakMap<TtsSession, string>;
  log?: (
    level: 'error' | 'warn' | 'info' | 'debug',
    msg: string,
    fields?: Record<string, unknown>,
  ) => void;
}

export function errorResponseBody(err: GatewayError): { detail: string } {
  return { detail: err.message };
}

/** The session with this id, if the caller may use it (sessions are bound to the key that made them). */
export function ownedSession(deps: AppDeps, id: string, keyId: string | undefined): TtsSession {
  const session = deps.sessions.get(id);
  const owner = deps.sessionOwners.get(session);
  if (owner !== undefined && owner !== keyId)
    throw new NotFoundError(`Session '${echo(id)}' not found (it may have expired).`);
  return session;
}

export function createApp(deps: AppDeps): Hono {
  const { config } = deps;
  const app = new Hono();
  app.use('*', requestContext({ metrics: deps.metrics, log: deps.log }));
  const allowAll = config.corsOrigins.includes('*');
  app.use(
    '*',
    cors({
      origin: allowAll ? '*' : [...config.corsOrigins],
      allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
      allowHeaders: ['Content-Type', 'Authorization', 'x-api-key'],
      exposeHeaders: ['x-request-id', 'Retry-After'],
      credentials: false,
      maxAge: 600,
    }),
  );
  app.use(
    '*',
    bodyLimit({
      maxSize: config.maxBodyBytes,
      onError: () => {
        throw new PayloadTooLargeError(
          `The request body is larger than ${config.maxBodyBytes} bytes.`,
        );
      },
    }),
  );

  // The page shell and the API description carry no data; everything they call needs the key.
  const publicPaths = [
    ...PLAYGROUND_PUBLIC_PATHS,
    ...OPENAPI_PUBLIC_PATHS,
    '/api/health',
    ...(config.metricsPublic ? ['/metrics'] : []),
  ];
  app.use('*', createAuth({ apiKeys: config.apiKeys, publicPaths }).middleware);

  app.get('/metrics', async (c) =>
    c.body(await deps.metrics.render(), 200, { 'content-type': deps.metrics.contentType }),
  );
  app.route('/api', apiRoutes(deps));
  app.route('/api/stream', streamRestRoutes(deps));
  app.route('/api', streamSseRoutes(deps));
  app.route('/api', streamWsRoutes(deps));
  app.route('/v1', openaiRoutes(deps));
  app.route('/', openapiRoutes(deps));
  app.route('/', playgroundRoutes(deps));

  app.notFound((c) => c.json({ detail: `Not found: ${c.req.method} ${echo(c.req.path)}` }, 404));
  app.onError(async (err, c) => {
    const res = renderError(err, c, deps);
    // A refused WebSocket upgrade: @hono/node-server would answer with an empty body, but clients
    // deserve the {detail}, so the answer is written to the raw socket here.
    const incoming = (c.env as { incoming?: IncomingMessage; outgoing?: unknown } | undefined)
      ?.incoming;
    if (
      incoming &&
      (c.env as { outgoing?: unknown }).outgoing === undefined &&
      c.req.header('upgrade')
    ) {
      await writeRawResponse(incoming.socket, res.clone());
    }
    return res;
  });
  return app;
}

async function writeRawResponse(socket: Duplex, res: Response): Promise<void> {
  const body = Buffer.from(await res.text());
  const head = [
    `HTTP/1.1 ${res.status} ${STATUS_CODES[res.status] ?? ''}`,
    'Connection: close',
    `Content-Length: ${body.length}`,
  ];
  res.headers.forEach((value, name) => {
    if (!['connection', 'content-length'].includes(name)) head.push(`${name}: ${value}`);
  });
  socket.end(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`), body]));
  socket.destroy();
}

function renderError(err: Error, c: Context, deps: AppDeps): Response {
  // The unread rest of an oversized body would corrupt the next request on this connection.
  if (err instanceof GatewayError && err.status === 413) c.header('Connection', 'close');
  // OpenAI clients parse OpenAI's error envelope, whichever middleware failed.
  if (c.req.path.startsWith('/v1/')) return renderOpenAiError(err, c, deps.log);
  if (err instanceof GatewayError) {
    if (err.retryAfterS !== undefined) c.header('Retry-After', String(Math.ceil(err.retryAfterS)));
    if (err.status >= 500)
      deps.log?.('error', err.message, { code: err.code, cause: String(err.cause ?? '') });
    return c.json(errorResponseBody(err), err.status as ContentfulStatusCode);
  }
  if (isAbort(err)) {
    // The client went away (mid-body, say): nobody is left to read an answer; not our error.
    deps.log?.('debug', 'client closed the request', { path: c.req.path, error: String(err) });
    return c.json({ detail: 'The client closed the request.' }, 499 as ContentfulStatusCode);
  }
  deps.log?.('error', 'unhandled error', {
    error: err instanceof Error ? (err.stack ?? err.message) : String(err),
  });
  return c.json({ detail: 'internal error' }, 500);
}

function isAbort(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: string }).code;
  // Node's http server fails a body read with ECONNRESET "aborted" when the peer disconnects.
  return (
    err.name === 'AbortError' ||
    code === 'ABORT_ERR' ||
    (code === 'ECONNRESET' && err.message === 'aborted')
  );
}
