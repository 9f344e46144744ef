// Optional API keys: when any are configured, every route but /api/health (and /metrics when made
// public) needs one, as `Authorization: Bearer <key>` or `x-api-key: <key>`, or `?api_key=` on GET
// requests (browsers cannot set headers on a WebSocket or a page load); ElevenLabs clients send
// `xi-api-key`, or the key inside their first WebSocket message (a deferred check the door makes,
// see deferredKeyCheck). Keys are compared through
// SHA-256 digests with timingSafeEqual, so the comparison time says nothing about the key.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { UnauthorizedError } from '../errors.js';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export interface AuthOptions {
  apiKeys: readonly string[];
  publicPaths: readonly string[];
  /** WebSocket paths whose clients may present the key in their first message instead. */
  deferredPaths?: (path: string) => boolean;
}

/** A short, non-reversible id for a key (binds sessions to the key that created them). */
export function keyId(key: string): string {
  return digest(key).subarray(0, 8).toString('hex');
}

const callerKeys = new WeakMap<Request, string>();
const deferredChecks = new WeakMap<Request, (key: string) => boolean>();

/**
 * On a deferred path upgraded without a key: the check the key from the first message must pass
 * (undefined: nothing left to check, the handshake carried a valid key or keys are off).
 */
export function deferredKeyCheck(c: Context): ((key: string) => boolean) | undefined {
  return deferredChecks.get(c.req.raw);
}

/** The keyId of the API key this request authenticated with (undefined when keys are off). */
export function callerKeyId(c: Context): string | undefined {
  return callerKeys.get(c.req.raw);
}

export function presentedKey(
  headers: { get(name: string): string | null | undefined },
  query: URLSearchParams,
  method: string,
): string | undefined {
  const auth = headers.get('authorization');
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1]!.trim();
  }
  const header = headers.get('x-api-key') ?? headers.get('xi-api-key');
  if (header) return header.trim();
  if (method === 'GET') return query.get('api_key') ?? undefined;
  return undefined;
}

export function createAuth(options: AuthOptions): {
  middleware: MiddlewareHandler;
  enabled: boolean;
} {
  const digests = options.apiKeys.map(digest);
  const matches = (key: string): boolean => {
    const d = digest(key);
    let ok = false;
    for (const k of digests) ok = timingSafeEqual(k, d) || ok;
    return ok;
  };
  const middleware: MiddlewareHandler = async (c, next) => {
    if (
      digests.length === 0 ||
      c.req.method === 'OPTIONS' ||
      options.publicPaths.includes(c.req.path)
    )
      return next();
    const key = presentedKey(c.req.raw.headers, new URL(c.req.url).searchParams, c.req.method);
    if (key === undefined && c.req.header('upgrade') && options.deferredPaths?.(c.req.path)) {
      deferredChecks.set(c.req.raw, matches);
      return next();
    }
    if (key === undefined || !matches(key)) throw new UnauthorizedError();
    callerKeys.set(c.req.raw, keyId(key));
    return next();
  };
  return { middleware, enabled: digests.length > 0 };
}
