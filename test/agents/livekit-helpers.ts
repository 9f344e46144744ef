// What the LiveKit plugin tests share: the plugins' logger set up once (they log through it), a
// reply collected from a plugin's SynthesizeStream, and the one-shot audio /api/generate gives for
// the same text and voice (the reference a streamed reply is compared with).
import { initializeLogger, tts } from '@livekit/agents';
import { encodeAudio } from '../../src/audio/index.js';
import { parseWav } from '../helpers/gateway.js';

initializeLogger({ pretty: false, level: 'fatal' });

export interface Reply {
  samples: Int16Array;
  sampleRates: Set<number>;
  frames: number;
  /** The words the plugin's aligned transcript carried, with their times (s). */
  timed: Array<{ text: string; startTime: number; endTime: number }>;
}

/** Pushes `text` word by word, flushes, ends the input, and reads the stream to its end. */
export async function speak(stream: tts.SynthesizeStream, text: string): Promise<Reply> {
  for (const word of text.split(' ')) stream.pushText(`${word} `);
  stream.flush();
  stream.endInput();
  return collect(stream);
}

export async function collect(stream: tts.SynthesizeStream | tts.ChunkedStream): Promise<Reply> {
  const parts: Int16Array[] = [];
  const reply: Reply = { samples: new Int16Array(0), sampleRates: new Set(), frames: 0, timed: [] };
  for await (const ev of stream) {
    if (ev === tts.SynthesizeStream.END_OF_STREAM) break;
    reply.frames++;
    reply.sampleRates.add(ev.frame.sampleRate);
    parts.push(ev.frame.data.slice());
    for (const t of ev.timedTranscripts ?? [])
      reply.timed.push({ text: t.text, startTime: t.startTime ?? 0, endTime: t.endTime ?? 0 });
    if (ev.final) break;
  }
  const n = parts.reduce((s, p) => s + p.length, 0);
  reply.samples = new Int16Array(n);
  let at = 0;
  for (const p of parts) {
    reply.samples.set(p, at);
    at += p.length;
  }
  return reply;
}

export async function oneShot(
  baseUrl: string,
  text: string,
  voice: string,
): Promise<{ samples: Int16Array; words: Array<{ text: string; start: number; end: number }> }> {
  const res = await fetch(`${baseUrl}/api/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text, voice, timestamps: true }),
  });
  const body = (await res.json()) as {
    audio_base64: string;
    words: Array<{ text: string; start: number; end: number }>;
  };
  return { samples: parseWav(Buffer.from(body.audio_base64, 'base64')).samples, words: body.words };
}

/**
 * /api/generate's audio at another rate: its 16-bit samples resampled in one piece by the
 * gateway's own resampler (a streamed reply is resampled chunk by chunk, state carried across).
 */
export function atRate(samples: Int16Array, rateHz: number): Int16Array {
  if (rateHz === 24000) return samples;
  const floats = Float32Array.from(samples, (s) => s / 32768);
  const bytes = encodeAudio('pcm', floats, 24000, rateHz);
  return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
}

/** The largest difference between two sample arrays (lengths must match). */
export function maxDifference(a: Int16Array, b: Int16Array): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
