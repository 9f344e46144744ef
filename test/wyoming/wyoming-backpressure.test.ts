// A Wyoming client that writes and never reads: the server stops reading from it once its answers
// wait unsent, so what it holds is bounded by the high-water mark (not by what the client sends),
// and the idle watch cuts it off. Plus the bounded ping echo and where the port listens when API
// keys are on. Real gateways, real TCP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { Logger } from '../../src/logger.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitForAsync } from '../helpers/wait.js';
import {
  kernelBufferBytes,
  neverReading,
  wyomingClient,
  wyomingConnections,
} from '../helpers/wyoming-client.js';

async function answered(url: string, type: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const re = new RegExp(
    `^kittentts_wyoming_events_total\\{[^}]*type="${type}"[^}]*\\} (\\d+)$`,
    'gm',
  );
  return [...text.matchAll(re)].reduce((sum, m) => sum + Number(m[1]), 0);
}

describe('a Wyoming client that never reads', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ KITTENTTS_WYOMING_PORT: '0', KITTENTTS_SESSION_TTL_S: '1' });
  });
  afterAll(async () => {
    await gw?.cleanup();
  });

  it('makes the server answer only what fits its buffers, then is cut off by the idle watch', async () => {
    const probe = await wyomingClient(gw.wyomingPort!);
    probe.send('describe');
    const info = await probe.next();
    const infoBytes = probe.encode(info.type, info.data).length;
    probe.close();
    await waitForAsync(async () => (await wyomingConnections(gw.url)) === 0);
    const before = await answered(gw.url, 'describe');
    // 100,000 describes (2 MB) ask for ~250 MB of answers.
    const count = 100_000;
    await neverReading(gw.url, gw.wyomingPort!, '{"type":"describe"}\n', count);
    const infos = (await answered(gw.url, 'describe')) - before;
    expect(infos).toBeLessThan(count);
    expect(infos * infoBytes).toBeLessThanOrEqual(512 * 1024 + kernelBufferBytes() + infoBytes);
  });

  it('answers a ping with a huge text with error instead of echoing it, and stays usable', async () => {
    const c = await wyomingClient(gw.wyomingPort!);
    c.send('ping', { text: 'x'.repeat(100_000) });
    const refused = await c.next();
    expect(refused.type).toBe('error');
    expect(String(refused.data.text).length).toBeLessThanOrEqual(200);
    c.send('ping', { text: 'y'.repeat(1000) });
    expect(await c.next()).toMatchObject({ type: 'pong', data: { text: 'y'.repeat(1000) } });
    c.close();
  });
});

describe('the Wyoming port with API keys on', () => {
  const base = { HOST: '0.0.0.0', KITTENTTS_WYOMING_PORT: '10200' };

  it('binds to loopback unless KITTENTTS_WYOMING_HOST is given', () => {
    expect(loadConfig(base).wyomingHost).toBe('0.0.0.0');
    expect(loadConfig({ ...base, KITTENTTS_API_KEYS: 'k1' }).wyomingHost).toBe('127.0.0.1');
    const given = { ...base, KITTENTTS_API_KEYS: 'k1', KITTENTTS_WYOMING_HOST: '0.0.0.0' };
    expect(loadConfig(given).wyomingHost).toBe('0.0.0.0');
  });

  it('warns at start-up when it is bound elsewhere by KITTENTTS_WYOMING_HOST', async () => {
    const warnings: string[] = [];
    const log: Logger = {
      error: () => {},
      warn: (msg) => warnings.push(msg),
      info: () => {},
      debug: () => {},
    };
    const env = { KITTENTTS_WYOMING_PORT: '0', KITTENTTS_API_KEYS: 'k1' };
    const quiet = await startTestGateway(env, { log });
    await quiet.cleanup();
    expect(warnings.filter((w) => /Wyoming door takes no API key/.test(w))).toHaveLength(0);
    const open = await startTestGateway({ ...env, KITTENTTS_WYOMING_HOST: '0.0.0.0' }, { log });
    await open.cleanup();
    expect(warnings.filter((w) => /Wyoming door takes no API key/.test(w))).toHaveLength(1);
  });
});
