// The seed API reference's own client examples, run unchanged against a real server.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWav, startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.cleanup();
});

const python = spawnSync('python3', ['-c', 'import requests'], { encoding: 'utf8' });
const hasPythonRequests = python.status === 0;
const hasSoundfile =
  spawnSync('python3', ['-c', 'import soundfile'], { encoding: 'utf8' }).status === 0;

describe('the reference JavaScript examples', () => {
  it('runs the quick-start flow: fetch, JSON, data: URL to a playable WAV blob', async () => {
    const response = await fetch(`${gw.url}/api/generate`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        text: 'Hello world!',
        voice: 'Jasper',
        speed: 1.0,
        model: 'kitten-tts-nano',
      }),
    });
    const result = await response.json();
    const audioBlob = await fetch(`data:audio/wav;base64,${result.audio_base64}`).then((r) =>
      r.blob(),
    );
    const wav = parseWav(new Uint8Array(await audioBlob.arrayBuffer()));
    expect(wav).toMatchObject({ sampleRate: 24000, channels: 1, bitsPerSample: 16 });
    expect(wav.samples.length / 24000).toBeCloseTo(result.duration, 3);
  });

  it('runs the KittenTTSStreamer class flow: start, addText per token, flush, end', async () => {
    const baseUrl = gw.url;
    const start = await fetch(
      `${baseUrl}/api/stream/start?voice=Jasper&speed=1&model=kitten-tts-nano`,
      { method: 'POST' },
    );
    const { session_id: sessionId } = await start.json();
    const chunks: string[] = [];
    for (const token of ['Hello', ' there', '! How', ' are', ' you', ' today', '?']) {
      const res = await fetch(`${baseUrl}/api/stream/chunk?session_id=${sessionId}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ text: token, flush: false }),
      });
      chunks.push(...(await res.json()).audio_chunks);
    }
    expect(chunks).toHaveLength(1); // "Hello there!" before the flush
    const final = await fetch(`${baseUrl}/api/stream/chunk?session_id=${sessionId}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: '', flush: true }),
    });
    chunks.push(...(await final.json()).audio_chunks);
    expect(chunks).toHaveLength(2);
    for (const c of chunks) expect(parseWav(Buffer.from(c, 'base64')).sampleRate).toBe(24000);
    const end = await fetch(`${baseUrl}/api/stream/end/${sessionId}`, { method: 'DELETE' });
    expect((await end.json()).status).toBe('ended');
  });
});

// The Python examples use requests and soundfile; soundfile is not installable here (no PyPI), so the
// script reads the WAV with soundfile when present and with the standard library's wave otherwise.
describe.skipIf(!hasPythonRequests)('the reference Python examples', () => {
  it(`runs the requests flows (generate and streaming) and decodes the WAVs${hasSoundfile ? '' : ' (wave, no soundfile)'}`, async () => {
    const script = `
import base64, io, sys, requests
base_url = sys.argv[1]
try:
    import soundfile as sf
    def read(b):
        audio, sr = sf.read(io.BytesIO(b)); return len(audio), sr
except ImportError:
    import wave
    def read(b):
        w = wave.open(io.BytesIO(b)); assert w.getnchannels() == 1 and w.getsampwidth() == 2; return w.getnframes(), w.getframerate()
response = requests.post(base_url + '/api/generate', json={'text': 'Hello world!', 'voice': 'Jasper', 'speed': 1.0, 'model': 'kitten-tts-nano'})
result = response.json()
n, sr = read(base64.b64decode(result['audio_base64']))
assert sr == 24000 and abs(n / sr - result['duration']) < 0.002, (n, sr, result['duration'])
res = requests.post(base_url + '/api/stream/start', params={'voice': 'Jasper', 'speed': 1.0, 'model': 'kitten-tts-nano'})
session_id = res.json()['session_id']
chunks = []
for token in ["Hello", " there", "! How", " are", " you", " today", "?"]:
    chunks += requests.post(base_url + '/api/stream/chunk', params={'session_id': session_id}, json={'text': token, 'flush': False}).json()['audio_chunks']
before_flush = len(chunks)
chunks += requests.post(base_url + '/api/stream/chunk', params={'session_id': session_id}, json={'text': '', 'flush': True}).json()['audio_chunks']
for c in chunks:
    assert read(base64.b64decode(c))[1] == 24000
requests.delete(base_url + '/api/stream/end/' + session_id)
print(before_flush, len(chunks))
`;
    // Asynchronously: the server under test runs on this process's event loop.
    const run = await promisify(execFile)('python3', ['-c', script, gw.url], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('1 2');
  });
});
