import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { postJson } from '../helpers/http.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.cleanup();
});

/**
 * A strict reader of the Prometheus text exposition format: throws on any malformed line. Values
 * follow Go's ParseFloat as Prometheus does (NaN and Inf case-insensitive).
 */
function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const sample =
    /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.eE+-]+|[Nn][Aa][Nn]|[+-]?[Ii]nf)( -?\d+)?$/;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m = sample.exec(line);
    if (!m) throw new Error(`bad exposition line: ${line}`);
    samples.set(m[1]! + (m[2] ?? ''), Number(m[3]));
  }
  return samples;
}

const sum = (samples: Map<string, number>, prefix: string) =>
  [...samples].filter(([k]) => k.startsWith(prefix)).reduce((a, [, v]) => a + v, 0);

describe('GET /metrics', () => {
  it('parses as Prometheus text and moves as requests are served', async () => {
    const before = parsePrometheus(await (await fetch(`${gw.url}/metrics`)).text());
    const res = await postJson(`${gw.url}/api/generate`, { text: 'Metrics should move now.' });
    expect(res.status).toBe(200);
    await postJson(`${gw.url}/api/generate`, '{');
    const after = parsePrometheus(await (await fetch(`${gw.url}/metrics`)).text());
    expect(sum(after, 'kittentts_synthesis_seconds_count')).toBe(
      sum(before, 'kittentts_synthesis_seconds_count') + 1,
    );
    expect(sum(after, 'kittentts_audio_seconds_total')).toBeGreaterThan(
      sum(before, 'kittentts_audio_seconds_total'),
    );
    expect(
      after.get('kittentts_http_requests_total{route="/api/generate",method="POST",status="200"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      after.get('kittentts_http_requests_total{route="/api/generate",method="POST",status="400"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(after.get('kittentts_workers')).toBe(2);
    for (const name of [
      'kittentts_queue_depth',
      'kittentts_busy_workers',
      'kittentts_live_sessions',
      'kittentts_websocket_connections',
    ]) {
      expect(after.has(name)).toBe(true);
    }
    expect(
      [...after.keys()].some((k) =>
        k.startsWith('kittentts_model_load_seconds{model="kitten-tts-nano"}'),
      ),
    ).toBe(true);
  });

  it('echoes a request id, or makes one', async () => {
    const mine = await fetch(`${gw.url}/api/health`, { headers: { 'x-request-id': 'abc-123' } });
    expect(mine.headers.get('x-request-id')).toBe('abc-123');
    const made = await fetch(`${gw.url}/api/health`);
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
