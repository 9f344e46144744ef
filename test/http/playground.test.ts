import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve('test', 'artifacts');
const API_KEY = 'playground-test-key';

interface Decoded {
  format: string;
  bytes: number;
  duration: number;
  sampleRate: number;
  length: number;
  peak: number;
}
interface ChunkRow {
  seq: number;
  text: string;
  duration: number;
  arrivedMs: number;
  bytes: number;
  decodedS?: number;
}

let gw: TestGateway;
let context: BrowserContext;
let page: Page;
let userDataDir: string;
const consoleErrors: string[] = [];
const foreignRequests: string[] = [];
const requests: Array<{ url: string; authorization?: string }> = [];
const sockets: string[] = [];

beforeAll(async () => {
  gw = await startTestGateway({ KITTENTTS_API_KEYS: API_KEY });
  userDataDir = mkdtempSync(path.join(os.tmpdir(), 'kitten-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
  page.on('request', (req) => {
    if (!req.url().startsWith(gw.url) && !/^(data|blob):/.test(req.url()))
      foreignRequests.push(req.url());
    requests.push({ url: req.url(), authorization: req.headers().authorization });
  });
  page.on('websocket', (ws) => sockets.push(ws.url()));
});

afterAll(async () => {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  await gw?.cleanup();
});

const status = () => page.locator('#status').innerText();

async function streamText(text: string, { simulate = false } = {}): Promise<ChunkRow[]> {
  await page.fill('#text', text);
  await page.setChecked('#simulate', simulate);
  await page.click('#stream');
  await page.waitForFunction(
    () => document.querySelector('#status')?.textContent?.startsWith('Done'),
    null,
    { timeout: 45_000 },
  );
  // Every chunk has also been decoded and scheduled on the Web Audio clock.
  await page.waitForFunction(() => {
    const chunks = (window as unknown as { playground: { chunks: ChunkRow[] } }).playground.chunks;
    return chunks.length > 0 && chunks.every((c) => (c.decodedS ?? 0) > 0);
  });
  return page.evaluate(
    () => (window as unknown as { playground: { chunks: ChunkRow[] } }).playground.chunks,
  );
}

describe('playgroundRoutes', () => {
  it('serves the page and its files from this origin only, with a strict CSP', async () => {
    const r = await fetch(`${gw.url}/`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await r.text();
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
    expect((await fetch(`${gw.url}/playground/app.js`)).headers.get('content-type')).toMatch(
      /javascript/,
    );
    expect(
      (
        await fetch(`${gw.url}/playground/nope.js`, {
          headers: { Authorization: `Bearer ${API_KEY}` },
        })
      ).status,
    ).toBe(404);
  });

  it('asks for a key when the server requires one, then loads models and voices with it', async () => {
    // The page itself is public (app.ts lists PLAYGROUND_PUBLIC_PATHS); only the API needs the key.
    expect((await page.goto(`${gw.url}/`))?.status()).toBe(200);
    await page.waitForFunction(() =>
      /API key/.test(document.querySelector('#status')?.textContent ?? ''),
    );
    await page.fill('#api-key', API_KEY);
    await page.dispatchEvent('#api-key', 'change');
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.locator('#model option').count()).toBeGreaterThan(0);
    expect(await page.locator('#voice').inputValue()).toBe('Bella');
    const apiCalls = requests.filter((r) => r.url.includes('/api/models'));
    expect(apiCalls.at(-1)?.authorization).toBe(`Bearer ${API_KEY}`);
    // The key survives a reload (kept in localStorage) and the 401s before it are behind us.
    consoleErrors.length = 0;
  });

  it('generates a wav that the page decodes into playable audio', async () => {
    await page.selectOption('#model', 'kitten-tts-nano');
    await page.click('#generate');
    await page.waitForFunction(
      () =>
        (window as unknown as { playground: { lastDecoded: unknown } }).playground.lastDecoded !==
        null,
    );
    const decoded = await page.evaluate(
      () => (window as unknown as { playground: { lastDecoded: Decoded } }).playground.lastDecoded,
    );
    expect(decoded.format).toBe('wav');
    expect(decoded.duration).toBeGreaterThan(0.2);
    expect(decoded.peak).toBeGreaterThan(0.001);
    expect(await page.locator('#download').getAttribute('href')).toMatch(/^blob:/);
    expect(await status()).toMatch(/^Generated wav/);
  });

  it('generates mp3 through the one-shot SSE stream and decodes it', async () => {
    await page.fill('#text', 'A short text, encoded as mp3. Then decoded by the browser.');
    await page.selectOption('#format', 'mp3');
    await page.evaluate(
      () =>
        ((window as unknown as { playground: { lastDecoded: unknown } }).playground.lastDecoded =
          null),
    );
    await page.click('#generate');
    await page.waitForFunction(
      () =>
        (window as unknown as { playground: { lastDecoded: unknown } }).playground.lastDecoded !==
        null,
    );
    const decoded = await page.evaluate(
      () => (window as unknown as { playground: { lastDecoded: Decoded } }).playground.lastDecoded,
    );
    expect(decoded.format).toBe('mp3');
    expect(decoded.duration).toBeGreaterThan(0.2);
    expect(decoded.peak).toBeGreaterThan(0.001);
    await page.selectOption('#format', 'wav');
  });

  it('streams a multi-sentence text over the websocket and receives the chunks in order', async () => {
    const sentences = [
      'The first sentence is short.',
      'Here comes a second one!',
      'Is this the third?',
      'And a fourth to finish.',
    ];
    const chunks = await streamText(sentences.join(' '));
    expect(chunks.map((c) => c.seq)).toEqual(sentences.map((_, i) => i));
    expect(chunks.map((c) => c.text.trim())).toEqual(sentences);
    for (let i = 1; i < chunks.length; i++)
      expect(chunks[i]!.arrivedMs).toBeGreaterThanOrEqual(chunks[i - 1]!.arrivedMs);
    expect(await page.locator('#chunks tbody tr').count()).toBe(sentences.length);
    expect(await page.locator('#ttfa').innerText()).toMatch(/^\d+ ms$/);
    expect(await page.locator('#rtf').innerText()).toMatch(/×$/);
    const ws = sockets.at(-1) ?? '';
    expect(new URL(ws).pathname).toBe('/api/stream/ws');
    expect(new URL(ws).searchParams.get('api_key')).toBe(API_KEY);
  });

  it('feeds the text token by token in simulated LLM mode and still gets whole sentences in order', async () => {
    await page.fill('#tokens-per-s', '100');
    const text = 'Tokens arrive one by one. Audio starts before the text is complete.';
    const chunks = await streamText(text, { simulate: true });
    expect(chunks.map((c) => c.seq)).toEqual([0, 1]);
    expect(chunks.map((c) => c.text.trim())).toEqual([
      'Tokens arrive one by one.',
      'Audio starts before the text is complete.',
    ]);
    expect(await page.locator('#llm-view').innerText()).toBe(text);
  });

  it('shows server stats and keeps a screenshot, with no console errors and nothing fetched from elsewhere', async () => {
    await page.click('#refresh-stats');
    await page.waitForFunction(() =>
      /Requests/.test(document.querySelector('#stats')?.textContent ?? ''),
    );
    expect(await page.locator('#recent tbody tr').count()).toBeGreaterThan(0);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'playground.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    expect(foreignRequests).toEqual([]);
  });
});
