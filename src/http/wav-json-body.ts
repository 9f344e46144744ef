// The /api/generate answer written in pieces: `{"audio_base64":"<WAV>", …rest}` where the WAV is
// base64-encoded from the PCM16 chunks as the socket takes it (base64-json-body.ts). Nothing but
// the PCM16 audio is held, each chunk is let go once written, and the event loop never stalls on
// one huge write.
import { wavHeader } from '../audio/index.js';
import { base64JsonBody, type StreamedBody } from './base64-json-body.js';

export type WavJsonBody = StreamedBody;

export function wavJsonBody(
  pcm: Int16Array[],
  sampleRateHz: number,
  rest: Record<string, unknown>,
  onEnd?: (heldBytes: number) => void,
): WavJsonBody {
  const dataBytes = pcm.reduce((n, p) => n + p.byteLength, 0);
  const sources: Uint8Array[] = [
    wavHeader(sampleRateHz, dataBytes),
    ...pcm.map((p) => new Uint8Array(p.buffer, p.byteOffset, p.byteLength)),
  ];
  pcm.length = 0; // the caller's list no longer holds the audio: each chunk goes once written
  return base64JsonBody(
    ['{"audio_base64":"', { base64Of: sources }, `",${JSON.stringify(rest).slice(1)}`],
    onEnd,
  );
}
