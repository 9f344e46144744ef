// The browser playground: GET / serves one static page (public/index.html) and GET /playground/:file
// its ES modules and style sheet. Plain files, no build step and no CDN, so it works on offline machines.
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { NotFoundError } from '../errors.js';

/** The page may talk only to this origin (fetch and WebSocket) and play audio it made itself. */
const PLAYGROUND_CSP = [
  "default-src 'self'",
  "connect-src 'self' ws: wss:",
  "media-src 'self' blob: data:",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
].join('; ');

const JS = 'text/javascript; charset=utf-8';
const ASSETS: Readonly<Record<string, string>> = {
  'app.js': JS,
  'audio.js': JS,
  'captions.js': JS,
  'page.js': JS,
  'playback.js': JS,
  'stream.js': JS,
  'timeline.js': JS,
  'voices.js': JS,
  'waveform.js': JS,
  'style.css': 'text/css; charset=utf-8',
};

/** Paths the page needs before the user can type a key: app.ts lists them as public for the auth. */
export const PLAYGROUND_PUBLIC_PATHS: readonly string[] = Object.freeze([
  '/',
  ...Object.keys(ASSETS).map((name) => `/playground/${name}`),
]);

export interface PlaygroundOptions {
  /** Where index.html and the assets live; next to this module by default (the build copies them). */
  publicDir?: URL;
}

// The page needs none of the gateway's parts: it learns everything from the API.
export function playgroundRoutes(options: PlaygroundOptions = {}): Hono {
  const dir = options.publicDir ?? new URL('./public/', import.meta.url);
  // Read once at start: a missing file is a broken build and should fail loudly, not per request.
  const read = (name: string) => readFileSync(new URL(name, dir), 'utf8');
  const index = read('index.html');
  const files = new Map(Object.keys(ASSETS).map((name) => [name, read(name)]));
  const app = new Hono();

  app.get('/', (c) =>
    c.html(index, 200, { 'Content-Security-Policy': PLAYGROUND_CSP, 'Cache-Control': 'no-cache' }),
  );
  app.get('/playground/:file', (c) => {
    const name = c.req.param('file');
    const body = files.get(name);
    const type = ASSETS[name];
    if (body === undefined || type === undefined)
      throw new NotFoundError(`Not found: the playground has no file '${name.slice(0, 64)}'.`);
    return c.body(body, 200, { 'Content-Type': type, 'Cache-Control': 'no-cache' });
  });
  return app;
}
