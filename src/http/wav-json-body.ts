// The /api/generate answer written in pieces: `{"audio_base64":"<WAV>", …rest}` where the WAV is
// base64-encoded from the PCM16 chunks as the socket takes it. Nothing but the PCM16 audio is held
// (no float copies, no concatenation, no whole base64 or JSON string), each chunk is let go once
// written, and the event loop never stalls on one huge write.
import { wavHeader } from '../audio/index.js';

/** Input bytes per base64 piece (a multiple of 3, so pieces join into one valid base64 text). */
const PIECE_BYTES = 48 * 1024;

export interface WavJsonBody {
  readonly body: ReadableStream<Uint8Array>;
  /** Exact byte length of the body (Content-Length). */
  readonly length: number;
}

export function wavJsonBody(
  pcm: Int16Array[],
  sampleRateHz: number,
  rest: Record<string, unknown>,
): WavJsonBody {
  const dataBytes = pcm.reduce((n, p) => n + p.byteLength, 0);
  const head = Buffer.from('{"audio_base64":"');
  const tail = Buffer.from(`",${JSON.stringify(rest).slice(1)}`);
  const wavBytes = 44 + dataBytes;
  const length = head.length + 4 * Math.ceil(wavBytes / 3) + tail.length;
  const sources: Uint8Array[] = [
    wavHeader(sampleRateHz, dataBytes),
    ...pcm.map((p) => new Uint8Array(p.buffer, p.byteOffset, p.byteLength)),
  ];
  pcm.length = 0; // the caller's list no longer holds the audio: each chunk goes once written
  let carry: Buffer = Buffer.alloc(0);
  let started = false;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (!started) {
          started = true;
          controller.enqueue(head);
          return;
        }
        // Fill one piece from the carry and the next sources; keep a non-multiple of 3 for later.
        const parts: Uint8Array[] = [carry];
        let size = carry.length;
        while (size < PIECE_BYTES && sources.length > 0) {
          const src = sources[0]!;
          const take = Math.min(src.length, PIECE_BYTES - size);
          parts.push(src.subarray(0, take));
          size += take;
          if (take === src.length) sources.shift();
          else sources[0] = src.subarray(take);
        }
        const bytes = Buffer.concat(parts, size);
        const whole = sources.length === 0 ? size : size - (size % 3);
        carry = Buffer.from(bytes.subarray(whole));
        if (whole > 0) controller.enqueue(Buffer.from(bytes.subarray(0, whole).toString('base64')));
        if (sources.length === 0 && carry.length === 0) {
          controller.enqueue(tail);
          controller.close();
        }
      },
      cancel() {
        sources.length = 0;
      },
    },
    { highWaterMark: 2 },
  );
  return { body, length };
}
