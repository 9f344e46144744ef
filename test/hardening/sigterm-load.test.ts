import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { downloadModel } from '../../src/kitten/hub/hub.js';
import { folderFiles, gitSha1, sha256, startFakeHub, type FakeHub } from '../helpers/fake-hub.js';
import { parseWav, sentences, TINY_DIR } from '../helpers/gateway.js';
import { startGatewayProcess } from '../helpers/gateway-process.js';
import { postJson } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

const MICRO = 'KittenML/kitten-tts-micro-0.8';
const COMMIT = 'e'.repeat(40);
const FILES = folderFiles(TINY_DIR);
const ONNX = 'kitten_tts_nano_v0_8.onnx';
const SHUTTING_DOWN = 'The server is shutting down; retry against another instance.';

/** A one-shot's outcome: complete audio, or a complete 503 {detail}; anything else fails. */
async function outcome(res: Promise<Response>, check: (body: Uint8Array) => void) {
  const r = await res;
  const body = new Uint8Array(await r.arrayBuffer());
  if (r.status === 503) {
    expect(JSON.parse(new TextDecoder().decode(body))).toEqual({ detail: SHUTTING_DOWN });
    return 'refused';
  }
  expect(r.status).toBe(200);
  check(body);
  return 'finished';
}

describe('SIGTERM under load', () => {
  let hub: FakeHub | undefined;
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'kitten-sigterm-'));
  afterAll(async () => {
    await hub?.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('finishes or cleanly refuses every one-shot, exits 0, and leaves nothing half-written', async () => {
    hub = await startFakeHub({ [MICRO]: FILES }, COMMIT);
    hub.stall = ONNX; // micro's download is in flight when the signal comes
    const { child, url, exited, stderr } = await startGatewayProcess({
      HF_ENDPOINT: hub.base,
      KITTENTTS_CACHE_DIR: cacheDir,
      KITTENTTS_MODEL_DIRS: `kitten-tts-nano=${TINY_DIR}`,
      KITTENTTS_WORKERS: '1',
      KITTENTTS_SHUTDOWN_TIMEOUT_S: '2',
    });
    expect((await postJson(`${url}/api/generate`, { text: 'Warm up.' })).status).toBe(200);

    const wav = (body: Uint8Array) => {
      const { audio_base64: b64 } = JSON.parse(new TextDecoder().decode(body)) as {
        audio_base64: string;
      };
      expect(parseWav(Buffer.from(b64, 'base64')).samples.length).toBeGreaterThan(0);
    };
    const oneShots = [
      ...[1, 2, 3, 4].map((i) =>
        outcome(postJson(`${url}/api/generate`, { text: sentences(6, `Load ${i}`) }), wav),
      ),
      outcome(
        postJson(`${url}/v1/audio/speech`, {
          model: 'tts-1',
          input: sentences(6, 'Speech'),
          voice: 'alloy',
          response_format: 'wav',
        }),
        (body) => expect(parseWav(body).samples.length).toBeGreaterThan(0),
      ),
      // Waits for a download that never ends: the drain deadline answers it.
      outcome(postJson(`${url}/api/generate`, { text: 'Hi.', model: 'kitten-tts-micro' }), wav),
    ];
    const sse = await postJson(`${url}/api/generate/stream`, { text: sentences(6, 'Streamed') });
    expect(sse.status).toBe(200);
    const reader = sse.body!.getReader();
    let events = '';
    while (!events.includes('event: audio'))
      events += new TextDecoder().decode((await reader.read()).value);
    await waitFor(
      () => hub!.requests.includes(`GET /cdn/${sha256(FILES[ONNX]!)}`),
      20_000,
      'the download',
    );

    child.kill('SIGTERM');
    const outcomes = await Promise.all(oneShots);
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      events += new TextDecoder().decode(r.value);
    }
    // The stream ends in band, with every sentence spoken or an error event: never a cut.
    expect(events).toMatch(/event: (done|error)\n.*\n\n$/);
    expect(outcomes.at(-1)).toBe('refused');
    expect(await exited).toBe(0);
    expect(stderr()).not.toMatch(/terminate called/);

    // On disk: no snapshot or ref for micro, only verified blobs under final names; the
    // model's partial file holds a prefix of the real bytes, which the next download resumes.
    const root = path.join(cacheDir, `models--${MICRO.replace('/', '--')}`);
    expect(existsSync(path.join(root, 'snapshots'))).toBe(false);
    expect(existsSync(path.join(root, 'refs'))).toBe(false);
    const partialName = `${sha256(FILES[ONNX]!)}.incomplete`;
    expect(readdirSync(path.join(root, 'blobs')).sort()).toEqual(
      [gitSha1(FILES['config.json']!), partialName].sort(),
    );
    expect(sha256(readFileSync(path.join(root, 'blobs', gitSha1(FILES['config.json']!))))).toBe(
      sha256(FILES['config.json']!),
    );
    const partial = readFileSync(path.join(root, 'blobs', partialName));
    expect(Buffer.compare(partial, FILES[ONNX]!.subarray(0, partial.length))).toBe(0);
    hub.stall = undefined;
    const model = await downloadModel(MICRO, { endpoint: hub.base, offline: false, cacheDir });
    expect(model.revision).toBe(COMMIT);
    expect(hub.requests.filter((r) => r.startsWith('GET /cdn/')).length).toBeGreaterThan(1);
    expect(sha256(readFileSync(path.join(model.dir, ONNX)))).toBe(sha256(FILES[ONNX]!));
  });
});
