// createApp(deps): the Hono application — where every request enters. Request ids and metrics,
// CORS, body limits, API keys (app-middleware.ts), then the routers of every door, and the one
// error hook (errors.ts) that turns any failure into its door's error envelope with the right status.
import type { IncomingMessage } from 'node:http';
import { Hono } from 'hono';
import { echo, ShuttingDownError } from '../errors.js';
import { apiRoutes } from './api.js';
import { useRequestEdges } from './app-middleware.js';
import { cartesiaHttpRoutes } from './dialects/cartesia-http.js';
import { cartesiaWsRoutes } from './dialects/cartesia-ws.js';
import { elevenLabsHttpRoutes } from './dialects/elevenlabs-http.js';
import { elevenLabsWsRoutes } from './dialects/elevenlabs-ws.js';
import { voicesRoutes } from './voices.js';
import { phonemizeRoutes } from './phonemize.js';
import type { AppDeps } from './deps.js';
import { renderError, writeRawResponse } from './errors.js';
import { openaiRoutes } from './openai.js';
import { openapiRoutes } from './openapi/router.js';
import { playgroundRoutes } from './playground.js';
import { streamRestClusterRoutes } from './stream-rest-cluster.js';
import { streamRestRoutes } from './stream-rest.js';
import { streamSseRoutes } from './stream-sse.js';
import { streamWsRoutes } from './stream-ws.js';

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  useRequestEdges(app, deps);
  routeDoors(app, deps);
  app.notFound((c) => c.json({ detail: `Not found: ${c.req.method} ${echo(c.req.path)}` }, 404));
  app.onError(async (err, c) => {
    const res = renderError(err, c, deps.log);
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

/** The routers of every door, at their prefixes. */
function routeDoors(app: Hono, deps: AppDeps): void {
  app.get('/metrics', async (c) =>
    c.body(await deps.metrics.render(), 200, { 'content-type': deps.metrics.contentType }),
  );
  app.route('/api', apiRoutes(deps));
  app.route(
    '/api/stream',
    deps.cluster ? streamRestClusterRoutes(deps, deps.cluster) : streamRestRoutes(deps),
  );
  app.route('/api', streamSseRoutes(deps));
  app.route('/api', streamWsRoutes(deps));
  // Before the OpenAI router: it answers every other /v1 path with its own 404.
  app.route('/v1', elevenLabsWsRoutes(deps));
  app.route('/v1', elevenLabsHttpRoutes(deps));
  app.route('/v1', voicesRoutes(deps));
  app.route('/v1', phonemizeRoutes(deps));
  app.route('/v1', openaiRoutes(deps));
  app.route('/tts', cartesiaWsRoutes(deps));
  app.route('/tts', cartesiaHttpRoutes(deps));
  app.route('/', openapiRoutes(deps));
  app.route('/', playgroundRoutes());
}

/** While draining, every new request (WebSocket upgrades included) gets 503 in its door's shape. */
export function createRefusingApp(): Hono {
  const refuse = new Hono();
  refuse.all('*', () => {
    throw new ShuttingDownError();
  });
  refuse.onError((err, c) => {
    c.header('Connection', 'close');
    return renderError(err instanceof ShuttingDownError ? err : new ShuttingDownError(), c);
  });
  return refuse;
}
