// Token-fed streaming clients for the three doors (WebSocket, REST session + SSE subscriber, REST
// chunk calls). Each feeds LLM-like tokens on a fixed schedule (tokensPerS) and records when each
// token went out and when each chunk's audio arrived, so latencies can be taken from any token.
import { postJson } from '../../test/helpers/http.js';
import { wsClient } from '../../test/helpers/ws-client.js';
import { VOICE } from './standin-model.js';

export type Door = 'ws' | 'sse' | 'rest';
export type FirstChunk = 'sentence' | 'clause' | 'auto';

export interface ArrivedChunk {
  text: string;
  durationS: number;
  /** When the first byte of this chunk's audio message arrived (WS: its `audio` header frame, sent
   * right before the binary frame; SSE: the first piece of its `audio` event; REST: the response). */
  firstByteAt: number;
  /** When the whole chunk had arrived. */
  arrivedAt: number;
}

export interface StreamTrace {
  tokens: readonly string[];
  /** performance.now() when each token was sent (NaN for tokens never sent). */
  sentAt: number[];
  chunks: ArrivedChunk[];
}

export interface StreamOptions {
  url: string;
  door: Door;
  tokens: readonly string[];
  tokensPerS: number;
  firstChunk?: FirstChunk;
  /** Stop feeding and close once the first audio arrived (latency runs). */
  untilFirstAudio?: boolean;
  timeoutMs?: number;
}

/** Resolves at performance.now() time `t` (at once when that has passed). */
export const sleepUntil = (t: number) =>
  new Promise((r) => setTimeout(r, Math.max(0, t - performance.now())));

/** Sends tokens on schedule (token i at start + i/rate, later if a send itself blocks). */
async function feed(
  options: StreamOptions,
  trace: StreamTrace,
  send: (token: string) => Promise<void>,
  stop: () => boolean,
) {
  const start = performance.now();
  for (let i = 0; i < options.tokens.length && !stop(); i++) {
    await sleepUntil(start + (i * 1000) / options.tokensPerS);
    if (stop()) break;
    trace.sentAt[i] = performance.now();
    await send(options.tokens[i]!);
  }
}

export async function runStream(options: StreamOptions): Promise<StreamTrace> {
  const trace: StreamTrace = {
    tokens: options.tokens,
    sentAt: options.tokens.map(() => Number.NaN),
    chunks: [],
  };
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 120_000);
  if (options.door === 'ws') await runWs(options, trace, timeout);
  else await runRest(options, trace, timeout);
  return trace;
}

async function runWs(
  options: StreamOptions,
  trace: StreamTrace,
  timeout: AbortSignal,
): Promise<void> {
  let header: { text: string; duration: number; at: number } | undefined;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const client = wsClient(options.url, {
    query: { voice: VOICE, format: 'pcm', first_chunk: options.firstChunk ?? 'sentence' },
    record: false,
    onBinary: (_data, arrivedAt) => {
      trace.chunks.push({
        text: header?.text ?? '',
        durationS: header?.duration ?? 0,
        firstByteAt: header?.at ?? arrivedAt,
        arrivedAt,
      });
      if (options.untilFirstAudio) done();
    },
    onJson: (msg, at) => {
      if (msg.type === 'audio')
        header = { text: msg.text as string, duration: msg.duration as number, at };
      else if (msg.type === 'done') done();
    },
  });
  void client.closed.then(() => done());
  timeout.addEventListener('abort', () => done());
  await client.ready;
  const stop = () => options.untilFirstAudio === true && trace.chunks.length > 0;
  await feed(options, trace, async (text) => client.send({ type: 'text', text }), stop);
  if (!stop()) client.send({ type: 'end' });
  await finished;
  client.ws.close();
}

/** REST session; with door 'sse' an SSE subscriber receives the audio, else each chunk call does. */
async function runRest(
  options: StreamOptions,
  trace: StreamTrace,
  timeout: AbortSignal,
): Promise<void> {
  const start = (await (
    await postJson(`${options.url}/api/stream/start?voice=${VOICE}`, {})
  ).json()) as { session_id: string };
  const id = start.session_id;
  const stop = () => options.untilFirstAudio === true && trace.chunks.length > 0;
  const events = new AbortController();
  let subscriber: Promise<void> = Promise.resolve();
  if (options.door === 'sse') {
    const res = await fetch(`${options.url}/api/stream/events?session_id=${id}&format=pcm`, {
      signal: events.signal,
    });
    subscriber = readSse(res, trace, () => (stop() ? events.abort() : undefined)).catch(
      () => undefined,
    );
  }
  await feed(
    options,
    trace,
    async (text) => {
      const res = await postJson(`${options.url}/api/stream/chunk?session_id=${id}`, { text });
      const firstByteAt = performance.now();
      const body = await res.text();
      const arrivedAt = performance.now();
      const json = JSON.parse(body) as { audio_chunks?: string[] };
      for (const audio of json.audio_chunks ?? []) {
        // base64 of a WAV: 44-byte header, 16-bit mono at 24 kHz.
        trace.chunks.push({
          text: '',
          durationS: ((audio.length * 3) / 4 - 44) / 48_000,
          firstByteAt,
          arrivedAt,
        });
      }
    },
    () => stop() || timeout.aborted,
  );
  if (!stop())
    await postJson(`${options.url}/api/stream/chunk?session_id=${id}`, {
      text: '',
      flush: true,
    }).then((r) => r.json());
  if (options.door === 'sse' && !stop()) {
    await Promise.race([subscriber, new Promise((r) => timeout.addEventListener('abort', r))]);
  }
  events.abort();
  await fetch(`${options.url}/api/stream/end/${id}`, { method: 'DELETE' }).then((r) =>
    r.arrayBuffer(),
  );
  await subscriber;
}

/** Reads SSE `audio` events until the stream ends or onAudio asks to stop. */
async function readSse(res: Response, trace: StreamTrace, onAudio: () => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  // Where the search for the next event end resumes: a 1 MB event arrives in many pieces, and
  // rescanning it from the start for each would put the client's own cost into the latency.
  let scanFrom = 0;
  // When the first piece of the event now in `buffer` arrived.
  let eventStartedAt: number | undefined;
  for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
    const partAt = performance.now();
    eventStartedAt ??= partAt;
    buffer += decoder.decode(part, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf('\n\n', scanFrom)) >= 0) {
      scanFrom = 0;
      const arrivedAt = performance.now();
      const firstByteAt = eventStartedAt ?? partAt;
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      // Bytes left over belong to the next event, which started arriving with this piece.
      eventStartedAt = buffer.length > 0 ? partAt : undefined;
      const event = /^event: ?(.*)$/m.exec(block)?.[1];
      const data = /^data: ?(.*)$/m.exec(block)?.[1];
      if (event === 'audio' && data) {
        const msg = JSON.parse(data) as { text: string; duration: number };
        trace.chunks.push({ text: msg.text, durationS: msg.duration, firstByteAt, arrivedAt });
        onAudio();
      } else if (event === 'ended') {
        return;
      }
    }
    scanFrom = Math.max(0, buffer.length - 1);
  }
}

/** Token index whose sending completed `chunkText` inside the fed text, and the one after which
 * the server could decide (the first non-space character past it). -1 when not found. */
export function completingTokens(
  tokens: readonly string[],
  chunkText: string,
): { completing: number; decision: number } {
  const full = tokens.join('');
  const at = full.indexOf(chunkText.trim());
  if (at < 0) return { completing: -1, decision: -1 };
  const end = at + chunkText.trim().length;
  let length = 0;
  let completing = -1;
  let decision = -1;
  for (let i = 0; i < tokens.length; i++) {
    length += tokens[i]!.length;
    if (completing < 0 && length >= end) completing = i;
    if (completing >= 0 && full.slice(end, length).trim().length > 0) {
      decision = i;
      break;
    }
  }
  return { completing, decision };
}
