// The answer to a REST chunk call (`{"audio_chunks":[<base64 WAV>…],"sample_rate",…}`), the
// seed's exact JSON, written as a stream: each sentence's audio is kept as its WAV bytes (PCM16)
// the moment it arrives, so a long flush holds neither float audio, base64 strings nor the JSON
// text of the whole; the base64 is made a piece at a time as the socket takes it.
import { encodeWav } from '../audio/index.js';
import { SAMPLE_RATE_HZ } from '../engine/protocol.js';
import { errorOf, type ChunkEvent, type ErrorEvent } from '../session/session-events.js';
import { base64JsonBody, type JsonPart, type StreamedBody } from './base64-json-body.js';

/** A chunk call's sentence as it waits for the answer: its WAV file, or its failure. */
export type KeptChunk = { readonly type: 'audio'; readonly wav: Uint8Array } | ErrorEvent;

export function keepAsWav(ev: ChunkEvent): KeptChunk {
  return ev.type === 'audio' ? { type: 'audio', wav: encodeWav(ev.samples, ev.sampleRateHz) } : ev;
}

/** The chunk call's answer; a sentence that failed fails the call, with that failure's status. */
export function chunkAnswerBody(
  kept: KeptChunk[],
  bufferedText: string,
  status: string,
  onEnd?: (heldBytes: number) => void,
): StreamedBody {
  for (const ev of kept) {
    if (ev.type === 'error') throw errorOf(ev); // keeps its Retry-After (a full queue: 429)
  }
  const parts: JsonPart[] = ['{"audio_chunks":['];
  kept.forEach((ev, i) => {
    parts.push(i === 0 ? '"' : ',"', { base64Of: ev.type === 'audio' ? [ev.wav] : [] }, '"');
  });
  kept.length = 0; // each WAV goes once written
  const rest = { sample_rate: SAMPLE_RATE_HZ, buffered_text: bufferedText, status };
  parts.push(`],${JSON.stringify(rest).slice(1)}`);
  return base64JsonBody(parts, onEnd);
}
