// Every error answer of the HTTP layer, in one place. Two envelopes: the gateway's `{detail}` and,
// under /v1, OpenAI's `{"error":{"message","type","param","code"}}` (clients built on OpenAI's SDKs
// read those fields: the SDK raises BadRequestError etc. from them); the ElevenLabs and Cartesia
// routes answer in their vendors' shapes (dialectErrorBody). renderError() picks the
// envelope by path, so a failure in any middleware (401, 413) answers in the door's shape; it also
// sets Retry-After, logs server errors, and treats a client that went away as no error of ours.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import { echo, GatewayError } from '../errors.js';
import type { Log } from './deps.js';

function errorResponseBody(err: GatewayError): { detail: string } {
  return { detail: err.message };
}

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
    // The names are the client's: echoed in part, so a megabyte-long key is not sent back whole.
    const key = issue.keys[0] === undefined ? null : echo(issue.keys[0], 64);
    return new OpenAiParamError(
      `Unrecognized request argument supplied: ${echo(issue.keys.join(', '), 120)}`,
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

/** The ElevenLabs and Cartesia routes (src/http/dialects/) answer in their vendor's shape. */
function dialectOf(path: string): 'elevenlabs' | 'cartesia' | undefined {
  if (path.startsWith('/v1/text-to-speech/') || path === '/v1/voices') return 'elevenlabs';
  return path.startsWith('/tts/') ? 'cartesia' : undefined;
}

/** ElevenLabs: `{detail: {status, message}}`; Cartesia: `{detail, error}` (the same message). */
export function dialectErrorBody(
  dialect: 'elevenlabs' | 'cartesia',
  status: string,
  message: string,
): Record<string, unknown> {
  return dialect === 'elevenlabs'
    ? { detail: { status, message } }
    : { detail: message, error: message };
}

/** The error answer for `err` in the envelope of the request's door (see the file comment). */
export function renderError(err: unknown, c: Context, log?: Log): Response {
  // The unread rest of an oversized body would corrupt the next request on this connection.
  if (err instanceof GatewayError && err.status === 413) c.header('Connection', 'close');
  const dialect = dialectOf(c.req.path);
  const openAi = dialect === undefined && c.req.path.startsWith('/v1/');
  if (err instanceof GatewayError) {
    if (err.retryAfterS !== undefined) c.header('Retry-After', String(Math.ceil(err.retryAfterS)));
    if (err.status >= 500)
      log?.('error', err.message, { code: err.code, cause: String(err.cause ?? '') });
    const body = dialect
      ? dialectErrorBody(dialect, err.status === 401 ? 'invalid_api_key' : err.code, err.message)
      : openAi
        ? openAiErrorBody(err)
        : errorResponseBody(err);
    return c.json(body, err.status as ContentfulStatusCode);
  }
  if (isAbort(err)) {
    // The client went away (mid-body, say): nobody is left to read an answer; not our error.
    log?.('debug', 'client closed the request', { path: c.req.path, error: String(err) });
    const detail = 'The client closed the request.';
    const error = {
      message: detail,
      type: 'invalid_request_error',
      param: null,
      code: 'client_closed',
    };
    return c.json(openAi ? { error } : { detail }, 499 as ContentfulStatusCode);
  }
  log?.('error', 'unhandled error', {
    error: err instanceof Error ? (err.stack ?? err.message) : String(err),
  });
  return c.json(openAi ? internalErrorBody() : { detail: 'internal error' }, 500);
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

/**
 * Writes `res` to a raw socket and closes it: the answer to a refused WebSocket upgrade, which
 * @hono/node-server would otherwise send with an empty body.
 */
export async function writeRawResponse(socket: Duplex, res: Response): Promise<void> {
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
