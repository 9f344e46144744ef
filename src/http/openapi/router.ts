// GET /openapi.json (the OpenAPI 3.1 document, built once from the zod schemas: document.ts) and
// GET /docs (the same document as one self-contained HTML page: docs-page.ts).
import { Hono } from 'hono';
import { DOCS_CSP, renderDocs } from './docs-page.js';
import { buildOpenApiDocument, type OpenApiDeps } from './document.js';

/** Readable without a key (the document holds no secret): app.ts lists them as public for the auth. */
export const OPENAPI_PUBLIC_PATHS: readonly string[] = Object.freeze(['/openapi.json', '/docs']);

export function openapiRoutes(deps: OpenApiDeps): Hono {
  const doc = buildOpenApiDocument(deps);
  const html = renderDocs(doc);
  const app = new Hono();
  app.get('/openapi.json', (c) => c.json(doc));
  app.get('/docs', (c) => c.html(html, 200, { 'Content-Security-Policy': DOCS_CSP }));
  return app;
}
