// The Wyoming door against a real gateway: real TCP on 127.0.0.1, the stand-in model in real
// workers, and a client written from the reference implementation (test/helpers/wyoming-client.ts).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWav, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { postJson } from '../helpers/http.js';
import { waitForAsync } from '../helpers/wait.js';
import {
  pcmOf,
  wyomingClient,
  wyomingConnections,
  type ClientEvent,
} from '../helpers/wyoming-client.js';

// The gateway's version is package.json's (src/version.ts), here as in the OpenAPI document.
const packageVersion = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ KITTENTTS_WYOMING_PORT: '0' });
});
afterAll(async () => {
  await gw?.cleanup();
});

const connect = () => wyomingClient(gw.wyomingPort!);
const types = (events: readonly ClientEvent[]) => events.map((e) => e.type);

async function generate(text: string, voice: string): Promise<Int16Array> {
  const res = await postJson(`${gw.url}/api/generate`, { text, voice });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { audio_base64: string };
  return parseWav(Buffer.from(body.audio_base64, 'base64')).samples;
}

const bytesOf = (a: Int16Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('the Wyoming door', () => {
  it('answers describe with one streaming TTS program listing the eight voices', async () => {
    const c = await connect();
    c.send('describe');
    const info = await c.next();
    expect(info.type).toBe('info');
    const tts = info.data.tts as Array<Record<string, unknown>>;
    expect(tts).toHaveLength(1);
    const program = tts[0]!;
    expect(program).toMatchObject({
      name: 'kittentts',
      installed: true,
      version: packageVersion,
      supports_synthesize_streaming: true,
      attribution: { name: 'KittenML', url: 'https://github.com/KittenML/KittenTTS' },
    });
    const voices = program.voices as Array<Record<string, unknown>>;
    expect(voices.map((v) => v.name)).toEqual([
      'Bella',
      'Jasper',
      'Luna',
      'Bruno',
      'Rosie',
      'Hugo',
      'Kiki',
      'Leo',
    ]);
    for (const v of voices) {
      expect(v).toMatchObject({ installed: true, languages: ['en'], version: '0.8' });
      expect(String(v.description)).toMatch(/^\w+ \((female|male)\): /);
    }
    expect(voices[1]!.description).toBe('Jasper (male): Clear & professional');
    c.close();
  });

  it('answers synthesize with audio-start, audio chunks and audio-stop whose samples equal /api/generate', async () => {
    const text = 'The quick brown fox jumps. Dr. Smith paid $3.50 at 10 a.m. today. It was fine!';
    const c = await connect();
    c.send('synthesize', { text, voice: { name: 'Jasper' } });
    const events = await c.until('audio-stop');
    expect(events[0]).toMatchObject({
      type: 'audio-start',
      data: { rate: 24000, width: 2, channels: 1 },
    });
    expect(types(events.slice(1, -1))).toEqual(['audio-chunk', 'audio-chunk', 'audio-chunk']);
    for (const e of events.slice(1, -1))
      expect(e.data).toMatchObject({ rate: 24000, width: 2, channels: 1 });
    const whole = await generate(text, 'Jasper');
    const streamed = pcmOf(events);
    expect(streamed.length).toBe(whole.length);
    expect(bytesOf(streamed).equals(bytesOf(whole))).toBe(true);
    // And a different voice is a different sound: the voice was honoured, not defaulted.
    c.send('synthesize', { text, voice: { name: 'Luna' } });
    const luna = pcmOf(await c.until('audio-stop'));
    expect(bytesOf(luna).equals(bytesOf(whole))).toBe(false);
    c.close();
  });

  it('streams the first sentence’s audio before synthesize-stop is sent, then synthesize-stopped', async () => {
    const c = await connect();
    c.send('synthesize-start', { voice: { name: 'Leo' } });
    c.send('synthesize-chunk', { text: 'The first sentence is ' });
    c.send('synthesize-chunk', { text: 'complete now. And the second' });
    // Nothing more is sent until the first sentence's audio has arrived.
    const first = await c.until('audio-chunk');
    expect(types(first)).toEqual(['audio-start', 'audio-chunk']);
    c.send('synthesize-chunk', { text: ' one ends here.' });
    // Home Assistant's copy of the whole text inside a stream is ignored (no second rendering).
    c.send('synthesize', {
      text: 'The first sentence is complete now. And the second one ends here.',
    });
    c.send('synthesize-stop');
    const rest = await c.until('synthesize-stopped');
    expect(types(rest)).toEqual(['audio-chunk', 'audio-stop', 'synthesize-stopped']);
    const joined = pcmOf([...first, ...rest]);
    const whole = await generate(
      'The first sentence is complete now. And the second one ends here.',
      'Leo',
    );
    expect(bytesOf(joined).equals(bytesOf(whole))).toBe(true);
    c.close();
  });

  it('answers bad events with error and keeps the connection usable', async () => {
    const c = await connect();
    const cases: Array<[() => void, RegExp]> = [
      [() => c.send('transcribe'), /Unknown event type 'transcribe'/],
      [() => c.socket.write('{"type": "describe"\n'), /Malformed event header/],
      [() => c.socket.write('{"data": {}}\n'), /"type" must be a non-empty string/],
      [() => c.send('synthesize-chunk', { text: 'Hi.' }), /synthesize-chunk outside a text stream/],
      [() => c.send('synthesize-stop'), /synthesize-stop without synthesize-start/],
      [
        () => c.socket.write('{"type":"synthesize","data_length":5}\n[1,2]'),
        /data is not a JSON object/,
      ],
    ];
    for (const [send, detail] of cases) {
      send();
      const ev = await c.next();
      expect(ev.type).toBe('error');
      expect(String(ev.data.text)).toMatch(detail);
      c.send('ping', { text: 'still there?' });
      expect(await c.next()).toMatchObject({ type: 'pong', data: { text: 'still there?' } });
    }
    c.send('synthesize', { text: 'Still working.' });
    expect(types(await c.until('audio-stop'))).toEqual([
      'audio-start',
      'audio-chunk',
      'audio-stop',
    ]);
    c.close();
  });

  it('ends the connection after the error that refuses a synthesize, as Home Assistant waits for audio-stop or the end', async () => {
    const refusals: Array<[Record<string, unknown>, RegExp]> = [
      [{ text: 'Hi.', voice: { name: 'Nobody' } }, /unknown voice 'Nobody'.*Bella/],
      [{ text: '   ' }, /"text" is empty/],
      [{ text: 42 }, /"text" must be a string/],
      [{ text: 'x'.repeat(20_001) }, /20001 characters; the limit is 20000/],
      [{ text: 'Hi.', text_format: 'ssml' }, /text_format 'ssml'/],
    ];
    for (const [data, detail] of refusals) {
      const c = await connect();
      c.send('synthesize', data);
      c.send('ping', { text: 'not answered' }); // sent before the refusal arrives: never read
      await c.ended;
      expect(types(c.events)).toEqual(['error']);
      expect(String(c.events[0]!.data.text)).toMatch(detail);
    }
  });

  it('refuses a stream with an unknown voice once, drops its chunks and still ends it with synthesize-stopped', async () => {
    const c = await connect();
    c.send('synthesize-start', { voice: { name: 'Nobody' } });
    c.send('synthesize-chunk', { text: 'Hello there. ' });
    c.send('synthesize-stop');
    const events = await c.until('synthesize-stopped');
    expect(types(events)).toEqual(['error', 'synthesize-stopped']);
    expect(String(events[0]!.data.text)).toMatch(/unknown voice/);
    c.close();
  });

  it('reads events whose header, data and payload arrive split across TCP reads', async () => {
    const c = await connect();
    const bytes = Buffer.concat([
      c.encode('ping', { text: 'split' }, Buffer.alloc(300, 7)),
      c.encode('synthesize', { text: 'Split in pieces.', voice: { name: 'Kiki' } }),
    ]);
    // Cut inside the header line, inside the data and inside the payload, and send each piece
    // on its own once the previous one has left.
    const cuts = [
      5,
      30,
      bytes.indexOf('\n') + 3,
      bytes.indexOf('\n') + 12,
      200,
      330,
      360,
      bytes.length,
    ];
    let from = 0;
    for (const to of cuts) {
      await new Promise<void>((r) => c.socket.write(bytes.subarray(from, to), () => r()));
      await new Promise((r) => setTimeout(r, 20));
      from = to;
    }
    expect(await c.next()).toMatchObject({ type: 'pong', data: { text: 'split' } });
    const audio = await c.until('audio-stop');
    expect(bytesOf(pcmOf(audio)).equals(bytesOf(await generate('Split in pieces.', 'Kiki')))).toBe(
      true,
    );
    c.close();
  });

  it('answers in full a client that closes its sending side after the request', async () => {
    const c = await connect();
    c.send('synthesize-start');
    c.send('synthesize-chunk', { text: 'Half closed. Still answered.' });
    c.send('synthesize-stop');
    c.socket.end(); // FIN: nothing more is coming
    await c.ended;
    expect(types(c.events)).toEqual([
      'audio-start',
      'audio-chunk',
      'audio-chunk',
      'audio-stop',
      'synthesize-stopped',
    ]);
  });

  it('counts Wyoming events by type and outcome in kittentts_wyoming_events_total', async () => {
    const counts = async () => {
      const text = await (await fetch(`${gw.url}/metrics`)).text();
      const found: Record<string, number> = {};
      for (const m of text.matchAll(
        /^kittentts_wyoming_events_total\{type="([^"]+)",outcome="([^"]+)"\} (\d+)$/gm,
      ))
        found[`${m[1]} ${m[2]}`] = Number(m[3]);
      return found;
    };
    const before = await counts();
    const c = await connect();
    c.send('describe');
    await c.until('info');
    c.send('ping');
    await c.until('pong');
    c.send('transcribe');
    await c.until('error');
    c.socket.write('{"type": \n');
    await c.until('error');
    c.send('synthesize', { text: 'Counted.' });
    await c.until('audio-stop');
    c.send('synthesize', { text: 'Refused.', voice: { name: 'Nobody' } });
    await c.ended;
    const after = await counts();
    const delta = (key: string) => (after[key] ?? 0) - (before[key] ?? 0);
    expect(
      ['connect ok', 'describe ok', 'ping ok', 'unknown error', 'malformed error'].map(delta),
    ).toEqual([1, 1, 1, 1, 1]);
    expect([delta('synthesize ok'), delta('synthesize error')]).toEqual([1, 1]);
  });

  it('counts Wyoming syntheses in /api/stats and in the metrics with door="wyoming"', async () => {
    const metric = async (name: string) => {
      const text = await (await fetch(`${gw.url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(name));
      return line ? Number(line.split(' ').at(-1)) : 0;
    };
    const stats = async () =>
      (
        (await (await fetch(`${gw.url}/api/stats`)).json()) as {
          generation_stats: { total_requests: number };
        }
      ).generation_stats.total_requests;
    const firstAudio = 'kittentts_first_audio_seconds_count{door="wyoming"}';
    const [beforeMetric, beforeStats] = [await metric(firstAudio), await stats()];
    const c = await connect();
    // The gauge moves once the server has taken the connection (not at the client's connect).
    await waitForAsync(async () => (await wyomingConnections(gw.url)) === 1);
    c.send('synthesize', { text: 'Counted once. Counted twice.' });
    await c.until('audio-stop');
    expect(await metric(firstAudio)).toBe(beforeMetric + 1);
    expect(await stats()).toBe(beforeStats + 2);
    c.close();
    await c.ended;
  });
});
