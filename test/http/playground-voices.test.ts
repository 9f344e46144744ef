// The playground's voice mixer and pronunciation box in a real headless Chromium against a real
// gateway: the sliders make the blend string, "Save" stores it through POST /v1/voices and selects
// it, and the pronunciation box shows the phonemes POST /v1/phonemize answers.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { fetchJson } from '../helpers/http.js';

let gw: TestGateway;
let context: BrowserContext;
let page: Page;
let userDataDir: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  gw = await startTestGateway();
  userDataDir = mkdtempSync(path.join(os.tmpdir(), 'kitten-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  await page.goto(`${gw.url}/`);
  await page.waitForFunction(
    () => (document.getElementById('mix-voice-c') as HTMLSelectElement).options.length > 8,
  );
});

afterAll(async () => {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  await gw?.cleanup();
});

describe('playground voice mixer', () => {
  it('writes the blend of the chosen voices and weights, leaving out weight 0', async () => {
    await page.selectOption('#mix-voice-a', 'Luna');
    await page.fill('#mix-weight-a', '2');
    await page.selectOption('#mix-voice-b', 'Jasper');
    await page.fill('#mix-weight-b', '1');
    await page.selectOption('#mix-voice-c', 'Kiki');
    await page.fill('#mix-weight-c', '0');
    expect(await page.locator('#blend-out').innerText()).toBe('Luna(2)+Jasper');
    await page.click('#use-blend');
    expect(await page.locator('#voice').inputValue()).toBe('Luna(2)+Jasper');
  });

  it('saves the blend under a name and selects it', async () => {
    await page.fill('#save-name', 'Narrator');
    await page.click('#save-voice');
    await page.waitForFunction(
      () => (document.getElementById('voice') as HTMLSelectElement).value === 'Narrator',
    );
    const listed = await fetchJson<{ voices: { name: string; blend?: string }[] }>(
      `${gw.url}/v1/voices`,
    );
    expect(listed.body.voices.find((v) => v.name === 'Narrator')?.blend).toBe('Luna(2)+Jasper');
    expect(await page.locator('#mix-voice-a option[value="Narrator"]').count()).toBe(1);
  });
});

describe('playground pronunciation box', () => {
  it('shows the phonemes the model receives for the typed text', async () => {
    const text = 'Hello world! This is a test.';
    const api = await fetchJson<{ chunks: { phonemes: string }[] }>(`${gw.url}/v1/phonemize`, {
      method: 'POST',
      json: { text },
    });
    const expected = api.body.chunks.map((c) => c.phonemes.trim()).join('\n');
    await page.fill('#phon-text', text);
    await page.waitForFunction(
      (want) => document.getElementById('phon-out')!.textContent === want,
      expected,
    );
    expect(pageErrors).toEqual([]);
  });
});
