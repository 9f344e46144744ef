// OpenAI's error envelope for the /v1 routes: {"error":{"message","type","param","code"}}. Clients
// built on OpenAI's SDKs read these fields (the SDK raises BadRequestError etc. from them), so the
// routes under /v1 answer in this shape instead of the gateway's {detail}.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import { GatewayError } from '../errors.js';

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** A client error (400 unless told) that names the request field at fault (OpenAI's `param`). */
export class OpenAiParamError extends GatewayError {
  readonly param: string | null;
  readonly openAiCode: string;

  constructor(message: string, param: string | null, openAiCode = 'invalid_value', status = 400) {
    super(status, status === 404 ? 'not_found' : 'bad_request', message);
    this.param = param;
    this.openAiCode = openAiCode;
  }
}

/** The first zod issue as an OpenAI-style 400: its message, the field it concerns, a code. */
export function paramErrorFromZod(error: z.ZodError, data: unknown): OpenAiParamError {
  const issue = error.issues[0];
  if (!issue) return new OpenAiParamError('Invalid request body.', null);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? null;
    return new OpenAiParamError(
      `Unrecognized request argument supplied: ${issue.keys.join(', ')}`,
      key,
      'unknown_parameter',
    );
  }
  const param = issue.path.length ? issue.path.join('.') : null;
  const top = issue.path[0];
  const missing =
    typeof top === 'string' &&
    typeof data === 'object' &&
    data !== null &&
    !Object.hasOwn(data, top);
  if (missing && param) {
    return new OpenAiParamError(
      `Missing required parameter: '${param}'.`,
      param,
      'missing_required_parameter',
    );
  }
  return new OpenAiParamError(
    param ? `Invalid '${param}': ${issue.message}.` : issue.message,
    param,
  );
}

/** OpenAI's `type` for a status: 4xx are the caller's problem, 5xx the server's. */
function errorType(status: number): string {
  if (status === 429) return 'requests';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** Renders any GatewayError in the envelope; OpenAI's own codes where it has one. */
export function openAiErrorBody(err: GatewayError): OpenAiErrorBody {
  if (err instanceof OpenAiParamError) {
    return {
      error: {
        message: err.message,
        type: 'invalid_request_error',
        param: err.param,
        code: err.openAiCode,
      },
    };
  }
  const code =
    err.status === 401 ? 'invalid_api_key' : err.status === 429 ? 'rate_limit_exceeded' : err.code;
  return { error: { message: err.message, type: errorType(err.status), param: null, code } };
}

export function internalErrorBody(): OpenAiErrorBody {
  return {
    error: { message: 'internal error', type: 'server_error', param: null, code: 'internal' },
  };
}

type Log = (level: 'error', msg: string, fields?: Record<string, unknown>) => void;

/**
 * The /v1 counterpart of the app's error hook: same statuses, headers and logging, OpenAI's body.
 * The app-level hook can call it for /v1 paths so middleware failures (401, 413) match too.
 */
export function renderOpenAiError(err: unknown, c: Context, log?: Log): Response {
  if (err instanceof GatewayError) {
    if (err.retryAfterS !== undefined) c.header('Retry-After', String(Math.ceil(err.retryAfterS)));
    if (err.status >= 500)
      log?.('error', err.message, { code: err.code, cause: String(err.cause ?? '') });
    return c.json(openAiErrorBody(err), err.status as ContentfulStatusCode);
  }
  if (err instanceof Error && err.name === 'AbortError') {
    const error = {
      message: 'The client closed the request.',
      type: 'invalid_request_error',
      param: null,
      code: 'client_closed',
    };
    return c.json({ error }, 499 as ContentfulStatusCode);
  }
  log?.('error', 'unhandled error', {
    error: err instanceof Error ? (err.stack ?? err.message) : String(err),
  });
  return c.json(internalErrorBody(), 500);
}
