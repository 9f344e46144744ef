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
/** The JSON messages of each socket the page opened, both ways, as they crossed the wire. */
const frames: Array<{ received: WireMessage[]; sent: WireMessage[] }> = [];

interface WireWord {
  text: string;
  start: number;
  end: number;
}
interface WireMessage {
  type: string;
  seq?: number;
  text?: string;
  duration?: number;
  words?: WireWord[];
  played_s?: number;
  spoken_text?: string;
  unspoken_text?: string;
}
interface PlaybackState {
  highlights: Array<{ index: number; positionS: number }>;
  timeline: { words: WireWord[]; audioS: number };
  drawn: { spanS: number; ticks: number; boundaries: number } | null;
}

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
  page.on('websocket', (ws) => {
    sockets.push(ws.url());
    const log = { received: [] as WireMessage[], sent: [] as WireMessage[] };
    frames.push(log);
    const parse = (payload: string | Buffer) =>
      typeof payload === 'string' ? [JSON.parse(payload) as WireMessage] : [];
    ws.on('framereceived', ({ payload }) => log.received.push(...parse(payload)));
    ws.on('framesent', ({ payload }) => log.sent.push(...parse(payload)));
  });
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

type PageWindow = {
  playground: {
    stream: {
      ws: WebSocket;
      playback: PlaybackState;
      stopped?: { playedS: number; current: number };
    };
  };
};

/** What the page's playback recorded (the plain parts: the audio nodes stay in the page). */
const playback = () =>
  page.evaluate(() => {
    const { highlights, timeline, drawn } = (window as unknown as PageWindow).playground.stream
      .playback;
    return { highlights, timeline: { words: timeline.words, audioS: timeline.audioS }, drawn };
  });

const socketClosed = () =>
  page.waitForFunction(
    () => (window as unknown as PageWindow).playground.stream.ws.readyState === WebSocket.CLOSED,
    null,
    { timeout: 45_000 },
  );

/** The words the server sent on a socket, on the turn's clock: each chunk starts where the last ends. */
function wireWords(received: WireMessage[]): { words: WireWord[]; chunkStartsS: number[] } {
  const words: WireWord[] = [];
  const chunkStartsS: number[] = [];
  let offsetS = 0;
  for (const m of received.filter((r) => r.type === 'audio')) {
    chunkStartsS.push(offsetS);
    for (const w of m.words ?? [])
      words.push({ text: w.text, start: offsetS + w.start, end: offsetS + w.end });
    offsetS += m.duration!;
  }
  return { words, chunkStartsS };
}

const wordsOf = (text: string) => text.trim().split(/\s+/).filter(Boolean);

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
    expect(new URL(ws).searchParams.get('timestamps')).toBe('word');
  });

  it('marks the words one after another while the audio plays, in order, up to the last', async () => {
    // While playing: the mark is on a word, then on a later one.
    const marked = () =>
      page.evaluate(() =>
        Number(document.querySelector('#captions .current')?.getAttribute('data-i') ?? -1),
      );
    await page.waitForFunction(() => document.querySelector('#captions .current') !== null);
    const first = await marked();
    await page.waitForFunction(
      (i) => Number(document.querySelector('#captions .current')?.getAttribute('data-i') ?? -1) > i,
      first,
    );
    expect(await page.locator('#captions .current').first().getAttribute('aria-current')).toBe(
      'true',
    );
    await socketClosed();
    const { words } = wireWords(frames.at(-1)!.received);
    const { highlights, timeline } = await playback();
    const indices = highlights.map((h) => h.index);
    expect(indices.length).toBeGreaterThan(1);
    for (let i = 1; i < highlights.length; i++) {
      expect(indices[i]!).toBeGreaterThan(indices[i - 1]!);
      expect(highlights[i]!.positionS).toBeGreaterThan(highlights[i - 1]!.positionS);
    }
    expect(indices.at(-1)).toBe(words.length - 1);
    expect(highlights[0]!.positionS).toBeGreaterThan(0);
    expect(highlights.at(-1)!.positionS).toBeLessThanOrEqual(timeline.audioS);
    // The captions are the chunks' text as written, a span on each word received, in order; once
    // all is heard nothing stays marked.
    const audio = frames.at(-1)!.received.filter((m) => m.type === 'audio');
    const squash = (t: string) => t.replace(/\s+/g, '');
    expect(squash(await page.locator('#captions').innerText())).toBe(
      squash(audio.map((m) => m.text).join('')),
    );
    expect(
      (await page.locator('#captions span').allInnerTexts()).map((t) => t.toLowerCase()),
    ).toEqual(words.map((w) => w.text));
    expect(await page.locator('#captions .current').count()).toBe(0);
  });

  it('draws a tick under every word received and a dashed line at every chunk boundary', async () => {
    const received = frames.at(-1)!.received;
    const audio = received.filter((m) => m.type === 'audio');
    // Every word of every chunk came with a span.
    for (const m of audio) expect(m.words?.length).toBe(wordsOf(m.text!).length);
    const { words, chunkStartsS } = wireWords(received);
    const { drawn, timeline } = await playback();
    expect(drawn).toEqual({
      spanS: timeline.audioS,
      ticks: words.length,
      boundaries: audio.length - 1,
    });
    const pixels = await page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('#waveform')!;
      const g = canvas.getContext('2d')!;
      const { width, height } = canvas;
      const dark = (d: Uint8ClampedArray, i: number) =>
        d[i]! < 100 && d[i + 1]! < 100 && d[i + 2]! < 100;
      const red = (d: Uint8ClampedArray, i: number) =>
        d[i]! > 150 && d[i + 1]! < 90 && d[i + 2]! < 90;
      const band = g.getImageData(0, height - 5, width, 1).data;
      const ticks = [...Array(width).keys()].filter((x) => dark(band, 4 * x));
      const top = g.getImageData(0, 0, width, height - 14).data;
      const boundary = [...Array(width).keys()].filter((x) =>
        [...Array(height - 14).keys()].some((y) => red(top, 4 * (y * width + x))),
      );
      return { width, ticks, boundary };
    });
    const near = (xs: number[], x: number) => xs.some((px) => Math.abs(px - x) <= 2);
    const xOf = (s: number) => (s / timeline.audioS) * pixels.width;
    for (const w of words) expect(near(pixels.ticks, xOf(w.start))).toBe(true);
    // Nothing else is drawn in the tick band.
    for (const px of pixels.ticks)
      expect(words.some((w) => Math.abs(xOf(w.start) - px) <= 2)).toBe(true);
    for (const s of chunkStartsS.slice(1)) expect(near(pixels.boundary, xOf(s))).toBe(true);
    expect(await page.locator('#waveform').getAttribute('aria-label')).toContain(
      `${audio.length} chunks`,
    );
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

  it('stops on Stop: sends cancel with the seconds heard and shows the spoken_text, a prefix of the typed text ending at a word', async () => {
    const typed =
      'Barge in now. The listener stops the voice in the middle of this turn. Nothing after that point was heard, so it is not part of the history.';
    await page.fill('#text', typed);
    await page.setChecked('#simulate', false);
    await page.click('#stream');
    await page.waitForFunction(
      () => (window as unknown as PageWindow).playground.stream.playback.highlights.length >= 4,
      null,
      { timeout: 45_000 },
    );
    await page.click('#stop');
    await page.waitForSelector('#barge-in:not([hidden])');
    await socketClosed();
    const log = frames.at(-1)!;
    const stopped = await page.evaluate(
      () => (window as unknown as PageWindow).playground.stream.stopped!,
    );
    const cancel = log.sent.find((m) => m.type === 'cancel')!;
    expect(cancel.played_s).toBeGreaterThan(0);
    expect(cancel.played_s).toBeCloseTo(stopped.playedS, 3);
    const cancelled = log.received.find((m) => m.type === 'cancelled')!;
    const spoken = await page.locator('#spoken-text').innerText();
    expect(spoken).toBe(cancelled.spoken_text!.trim());
    // A prefix of what was typed, ending at a word: the word heard last, or the one before it.
    expect(typed.startsWith(spoken)).toBe(true);
    expect(typed.slice(spoken.length)).toMatch(/^($|[^\p{L}\p{N}'])/u);
    expect(wordsOf(spoken).length).toBeGreaterThanOrEqual(stopped.current);
    expect(wordsOf(spoken).length).toBeLessThanOrEqual(stopped.current + 1);
    expect(wordsOf(`${cancelled.spoken_text} ${cancelled.unspoken_text}`)).toEqual(wordsOf(typed));
    // Nothing plays after the cancel, and the session ends cleanly.
    const types = log.received.map((m) => m.type);
    expect(types.slice(types.indexOf('cancelled'))).not.toContain('audio');
    expect(types.at(-1)).toBe('done');
    expect(await status()).toMatch(/^Stopped after/);
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
