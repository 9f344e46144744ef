// The gateway's error vocabulary: every failure a client can see is a GatewayError whose message
// is the `detail` shown to that client, written for a person who has to act on it.

export type ErrorCode =
  | 'bad_request'
  | 'invalid_text'
  | 'invalid_voice'
  | 'invalid_model'
  | 'invalid_speed'
  | 'not_found'
  | 'conflict'
  | 'unauthorized'
  | 'forbidden'
  | 'payload_too_large'
  | 'too_many_requests'
  | 'model_load_failed'
  | 'inference_failed'
  | 'worker_crashed'
  | 'shutting_down'
  | 'store_unavailable'
  | 'internal';

/** Most characters of client input an error message repeats back (the rest is elided). */
export const MAX_ECHO_CHARS = 200;

/** Client input as an error message quotes it: at most MAX_ECHO_CHARS characters. */
export function echo(input: string, max = MAX_ECHO_CHARS): string {
  return input.length <= max ? input : `${input.slice(0, max)}… (${input.length} characters)`;
}

export class GatewayError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  /** Seconds a client should wait before retrying (429/503). */
  readonly retryAfterS: number | undefined;

  constructor(
    status: number,
    code: ErrorCode,
    detail: string,
    options?: { cause?: unknown; retryAfterS?: number },
  ) {
    super(detail, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.retryAfterS = options?.retryAfterS;
  }
}

export class BadRequestError extends GatewayError {
  constructor(detail: string, code: ErrorCode = 'bad_request') {
    super(400, code, detail);
  }
}

export class NotFoundError extends GatewayError {
  constructor(detail: string) {
    super(404, 'not_found', detail);
  }
}

/** The request clashes with what exists (a saved voice shadowing a built-in, a full store). */
export class ConflictError extends GatewayError {
  constructor(detail: string) {
    super(409, 'conflict', detail);
  }
}

export class UnauthorizedError extends GatewayError {
  constructor(
    detail = 'Missing or invalid API key. Send it as "Authorization: Bearer <key>" or "x-api-key: <key>".',
  ) {
    super(401, 'unauthorized', detail);
  }
}

export class PayloadTooLargeError extends GatewayError {
  constructor(detail: string) {
    super(413, 'payload_too_large', detail);
  }
}

export class TooManyRequestsError extends GatewayError {
  constructor(detail: string, retryAfterS = 1) {
    super(429, 'too_many_requests', detail, { retryAfterS });
  }
}

export class ModelLoadError extends GatewayError {
  constructor(detail: string, cause?: unknown) {
    super(500, 'model_load_failed', detail, { cause });
  }
}

export class InferenceError extends GatewayError {
  constructor(
    detail: string,
    code: 'inference_failed' | 'worker_crashed' = 'inference_failed',
    cause?: unknown,
  ) {
    super(500, code, detail, { cause });
  }
}

export class ShuttingDownError extends GatewayError {
  constructor(detail = 'The server is shutting down; retry against another instance.') {
    super(503, 'shutting_down', detail, { retryAfterS: 5 });
  }
}

/** The shared session store (Redis) cannot be reached; the client should retry shortly. */
export class StoreUnavailableError extends GatewayError {
  constructor(cause?: unknown) {
    super(
      503,
      'store_unavailable',
      'The session store (Redis) is unreachable; streaming sessions are unavailable for now. Retry shortly.',
      { cause, retryAfterS: 2 },
    );
  }
}

/** Maps an error code that crossed a thread boundary (as plain data) back to its class. */
export function errorFromCode(code: string, detail: string): GatewayError {
  switch (code) {
    case 'invalid_voice':
    case 'invalid_model':
    case 'invalid_text':
    case 'invalid_speed':
    case 'bad_request':
      return new BadRequestError(detail, code);
    case 'model_load_failed':
      return new ModelLoadError(detail);
    case 'worker_crashed':
      return new InferenceError(detail, 'worker_crashed');
    default:
      return new InferenceError(detail);
  }
}
