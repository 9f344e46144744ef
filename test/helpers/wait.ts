// Waiting for a condition without timing it: polls until `pred` holds, and fails with `what`
// only when it never does (the limit guards against a hang; no test asserts on it).

export async function waitFor(
  pred: () => boolean,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** waitFor with a condition that must be fetched (a /metrics scrape): polls every 10 ms. */
export async function waitForAsync(
  pred: () => Promise<boolean>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<void> {
  const t0 = Date.now();
  while (!(await pred())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
