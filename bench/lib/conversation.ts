// A voice conversation over the WebSocket door, as voice-agent benchmarks model one (Rime's
// armchair, Riva's perf client): each turn streams an LLM-like reply at a fixed token rate, flushes,
// plays the audio in real time as it arrives, then "thinks" (exponential, mean 1.5 s) once playback
// has ended, and starts the next turn. Records time to first audio, underruns and stalls per turn,
// and, where the server sends them (`trace=1` on the gateway), its chunk-lifecycle trace events.
import type WebSocket from 'ws';
import { wsClient } from '../../test/helpers/ws-client.js';
import { llmTokens } from './sentences.js';
import { VOICE } from './standin-model.js';

export interface TurnRecord {
  /** First audio message − first token sent. */
  ttfaMs: number;
  chunks: number;
  /** Chunks that arrived after the audio before them had finished playing. */
  underruns: number;
  /** Playback stalled this long in all (the underruns' gaps), and this long at most. */
  stalledMs: number;
  longestStallMs: number;
  audioS: number;
  errors: number;
  /** First token sent → the token that completed the first chunk was sent (from the trace). */
  decidingMs?: number;
  /** The server's trace of each chunk once written to the socket (its `sent` stage). */
  traced: TracedChunk[];
}

/** What the benchmark keeps of a `trace` event's `sent` stage. */
export interface TracedChunk {
  opensTurn: boolean;
  chars: number;
  workerMs: number | undefined;
  stallMs: number | undefined;
  cause: string | undefined;
}

export interface ConversationResult {
  turns: TurnRecord[];
  /** The server refused the session (HTTP status of the refused upgrade). */
  refusedWith: number | undefined;
  audioS: number;
  wallS: number;
}

export interface ConversationOptions {
  url: string;
  replies: readonly string[];
  /** Which reply the first turn uses (conversations start at different replies). */
  firstReply: number;
  tokensPerS: number;
  thinkMeanS: number;
  /** No new turn starts after this performance.now() time… */
  untilMs: number;
  /** …once this many turns are done (default 1). */
  minTurns?: number;
  /** Extra query parameters (first_chunk=…). */
  query?: Record<string, string>;
  random: () => number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

interface TurnState {
  record: TurnRecord;
  firstTokenAt: number;
  lastTokenAt: number;
  playEnd: number;
  header: { duration: number } | undefined;
  flushed: () => void;
}

export async function runConversation(options: ConversationOptions): Promise<ConversationResult> {
  const started = performance.now();
  const result: ConversationResult = { turns: [], refusedWith: undefined, audioS: 0, wallS: 0 };
  let turn: TurnState | undefined;
  const client = wsClient(options.url, {
    query: { voice: VOICE, format: 'pcm', ...options.query },
    record: false,
    onBinary: (_data, at) => turn && onAudio(turn, at),
    onJson: (msg, at) => {
      if (!turn) return;
      if (msg.type === 'audio') {
        if (Number.isNaN(turn.record.ttfaMs)) turn.record.ttfaMs = at - turn.firstTokenAt;
        turn.header = { duration: (msg.duration as number | undefined) ?? 0 };
      } else if (msg.type === 'flushed') turn.flushed();
      else if (msg.type === 'error') turn.record.errors++;
      else if (msg.type === 'trace') onTrace(turn, msg);
    },
  });
  const ws = client.ws;
  const closed = client.closed.then(() => undefined);
  const ready = await client.ready.then(
    () => true,
    () => false,
  );
  result.refusedWith = client.rejectedWith;
  if (ready) {
    const minTurns = options.minTurns ?? 1;
    for (
      let i = options.firstReply;
      performance.now() < options.untilMs || result.turns.length < minTurns;
      i++
    ) {
      const reply = options.replies[i % options.replies.length]!;
      const state = await speakTurn(ws, closed, reply, options, (t) => (turn = t));
      result.turns.push(state.record);
      result.audioS += state.record.audioS;
      await sleep(state.playEnd - performance.now()); // the listener hears the rest
      await sleep(-Math.log(1 - options.random()) * options.thinkMeanS * 1000);
    }
    ws.close();
  }
  await closed;
  result.wallS = (performance.now() - started) / 1000;
  return result;
}

/** The deciding token of the turn's first chunk, and every chunk's trace once it was sent. */
function onTrace(turn: TurnState, msg: Record<string, unknown>): void {
  const r = turn.record;
  if (msg.stage === 'text_complete' && msg.opens_turn === true && r.decidingMs === undefined)
    r.decidingMs = turn.lastTokenAt - turn.firstTokenAt;
  if (msg.stage !== 'sent') return;
  r.traced.push({
    opensTurn: msg.opens_turn === true,
    chars: msg.chars as number,
    workerMs: msg.worker_ms as number | undefined,
    stallMs: msg.stall_ms as number | undefined,
    cause: msg.cause as string | undefined,
  });
}

function onAudio(turn: TurnState, at: number): void {
  const durationMs = (turn.header?.duration ?? 0) * 1000;
  const r = turn.record;
  if (r.chunks > 0 && at > turn.playEnd) {
    r.underruns++;
    r.stalledMs += at - turn.playEnd;
    r.longestStallMs = Math.max(r.longestStallMs, at - turn.playEnd);
  }
  turn.playEnd = (r.chunks === 0 ? at : Math.max(turn.playEnd, at)) + durationMs;
  r.chunks++;
  r.audioS += durationMs / 1000;
}

async function speakTurn(
  ws: WebSocket,
  closed: Promise<void>,
  reply: string,
  options: ConversationOptions,
  set: (t: TurnState) => void,
): Promise<TurnState> {
  const tokens = llmTokens(reply);
  let flushed!: () => void;
  const done = new Promise<void>((r) => (flushed = r));
  const state: TurnState = {
    record: {
      ...{ ttfaMs: Number.NaN, chunks: 0, underruns: 0, stalledMs: 0, longestStallMs: 0 },
      ...{ audioS: 0, errors: 0, traced: [] },
    },
    firstTokenAt: performance.now(),
    lastTokenAt: performance.now(),
    playEnd: 0,
    header: undefined,
    flushed,
  };
  set(state);
  const t0 = performance.now();
  for (let i = 0; i < tokens.length && ws.readyState === 1; i++) {
    await sleep(t0 + (i * 1000) / options.tokensPerS - performance.now());
    state.lastTokenAt = performance.now();
    if (i === 0) state.firstTokenAt = state.lastTokenAt;
    ws.send(JSON.stringify({ type: 'text', text: tokens[i] }));
  }
  state.lastTokenAt = performance.now(); // the flush decides the last chunk
  if (ws.readyState === 1) ws.send(JSON.stringify({ type: 'flush' }));
  await Promise.race([done, closed]);
  return state;
}
