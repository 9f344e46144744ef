// How a streamed chunk's audio goes on the wire, shared by the WebSocket and SSE doors. `wav` sends
// every chunk as a complete WAV file and the raw formats (pcm, pcm_f32le, mulaw, alaw) as headerless
// bytes, so each chunk plays on its own; mp3, opus and flac send consecutive pieces of ONE continuous
// encoded stream (a decoder fed the pieces in order plays gaplessly; the last piece comes with the
// end of the stream).
//
// At an output rate other than the model's, every format is one resampled stream: the resampler's
// filter state runs on from chunk to chunk, so chunks join exactly as they would unsplit. The price
// is the filter's look-ahead (a few milliseconds, RESAMPLER_QUALITY in audio/resampler.ts): each
// chunk carries the samples ready when it was made, the rest follow in the next chunk, and the
// stream's last few milliseconds come with its end (`audio_end`, a WAV file for wav).
import {
  createStreamEncoder,
  encodeWav,
  floatToPcm16,
  wavHeader,
  type AudioFormat,
} from '../audio/index.js';

export interface ChunkAudioWriter {
  readonly format: AudioFormat;
  /** The rate of the audio this writer sends (Hz). */
  readonly sampleRateHz: number;
  /** Bytes to send for this chunk. */
  encode(samples: Float32Array): Uint8Array;
  /**
   * The same bytes, encoded a quarter second at a time with the event loop free in between: mp3
   * costs ~18 ms of main thread per audio second, so a 5 s chunk in one go would stall every other
   * stream for ~90 ms (wav and pcm are cheap and go in one piece).
   */
  encodeSliced(samples: Float32Array): Promise<Uint8Array>;
  /** Bytes that finish the stream (empty for wav/pcm at the model's rate). */
  finish(): Uint8Array;
}

/** Samples encoded between two yields to the event loop (0.25 s at 24 kHz). */
export const ENCODE_SLICE_SAMPLES = 6000;

const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

function withWavHeader(rateHz: number, pcm: Uint8Array): Uint8Array {
  return Buffer.concat([wavHeader(rateHz, pcm.length), pcm]);
}

/** `outputRateHz` (default: `sampleRateHz`) is the rate sent; the samples arrive at `sampleRateHz`. */
export function createChunkAudioWriter(
  format: AudioFormat,
  sampleRateHz: number,
  outputRateHz = sampleRateHz,
): ChunkAudioWriter {
  const empty = () => new Uint8Array(0);
  const resampling = outputRateHz !== sampleRateHz;
  if (!resampling && (format === 'wav' || format === 'pcm')) {
    const encode =
      format === 'wav'
        ? (s: Float32Array) => encodeWav(s, sampleRateHz)
        : (s: Float32Array) => {
            const pcm = floatToPcm16(s);
            return new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
          };
    const sliced = async (s: Float32Array) => encode(s);
    return { format, sampleRateHz, encode, encodeSliced: sliced, finish: empty };
  }
  // wav: a resampled PCM stream, each chunk's share wrapped in a WAV header of its own.
  const encoder = createStreamEncoder(format === 'wav' ? 'pcm' : format, {
    sampleRateHz,
    outputSampleRateHz: outputRateHz,
  });
  const wrap =
    format === 'wav' ? (b: Uint8Array) => withWavHeader(outputRateHz, b) : (b: Uint8Array) => b;
  const encodeSliced = async (samples: Float32Array) => {
    const parts: Uint8Array[] = [];
    for (let at = 0; at < samples.length; at += ENCODE_SLICE_SAMPLES) {
      if (at > 0) await yieldToLoop();
      parts.push(encoder.write(samples.subarray(at, at + ENCODE_SLICE_SAMPLES)));
    }
    return wrap(Buffer.concat(parts));
  };
  const finish = () => {
    const tail = encoder.end();
    return tail.length > 0 ? wrap(tail) : tail;
  };
  return {
    format,
    sampleRateHz: outputRateHz,
    encode: (s) => wrap(encoder.write(s)),
    encodeSliced,
    finish,
  };
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
