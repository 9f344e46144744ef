// One way in for request data: read the body (UTF-8 checked, JSON parsed), validate with zod, and
// turn every failure into a GatewayError whose message a person can act on. The stock zod
// validator would answer with the raw zod result; clients of this API expect {detail}.
import type { Context } from 'hono';
import type { z } from 'zod';
import { BadRequestError, echo, GatewayError } from '../errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Formats zod issues as one sentence per problem: "speed: must be between 0.25 and 3.0". */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const where = issue.path.length ? issue.path.join('.') : 'body';
      if (issue.code === 'unrecognized_keys') {
        const names = echo(issue.keys.map((k) => `'${k}'`).join(', '));
        return `unknown field${issue.keys.length > 1 ? 's' : ''} ${names}`;
      }
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

export function parseWith<S extends z.ZodType>(
  schema: S,
  data: unknown,
  errorCode?: 'bad_request',
): z.output<S> {
  const result = schema.safeParse(data);
  if (!result.success) throw new BadRequestError(describeIssues(result.error), errorCode);
  return result.data;
}

/**
 * Reads a JSON body; an empty body reads as `emptyAs` (for routes whose fields all have defaults).
 * A body must say it is JSON: text/plain, or no Content-Type at all, is what a cross-site page
 * may post without a CORS preflight, so both are refused (415).
 */
export async function readJson(c: Context, emptyAs?: unknown): Promise<unknown> {
  const type = c.req.header('content-type');
  if (type && !/^application\/([\w.+-]*\+)?json\b/i.test(type.trim())) {
    throw new GatewayError(
      415,
      'bad_request',
      `Unsupported content type '${echo(type, 100)}': send a JSON body with "Content-Type: application/json".`,
    );
  }
  let text: string;
  try {
    text = utf8.decode(await c.req.arrayBuffer());
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    if (err instanceof TypeError) throw new BadRequestError('The request body is not valid UTF-8.');
    throw err;
  }
  if (text.trim() === '') {
    if (emptyAs !== undefined) return emptyAs;
    throw new BadRequestError('The request body is empty: send a JSON object.');
  }
  if (!type) {
    throw new GatewayError(
      415,
      'bad_request',
      'A body without a Content-Type: send it with "Content-Type: application/json".',
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BadRequestError(`Malformed JSON body: ${echo((err as Error).message)}`);
  }
}

/** Query parameters as a plain object (first value wins). */
export function queryObject(c: Context): Record<string, string> {
  return c.req.query();
}
