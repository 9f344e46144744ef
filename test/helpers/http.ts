// JSON over HTTP for the tests and the benchmarks (no test framework here, so bench/ imports it).

/**
 * POSTs `body` as JSON: a string goes as it is (malformed bodies), undefined sends no body.
 * `init` is spread last, so its `headers` replace the JSON content type and it may add a signal.
 */
export function postJson(url: string, body?: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined || typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });
}

/** Fetches `url` (POSTing `json` as postJson does, when given) and parses the JSON answer. */
export async function fetchJson<T = unknown>(
  url: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<{ status: number; headers: Headers; body: T }> {
  const { json, ...rest } = init;
  const res = 'json' in init ? await postJson(url, json, rest) : await fetch(url, rest);
  return { status: res.status, headers: res.headers, body: (await res.json()) as T };
}
