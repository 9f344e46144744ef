// Streaming over the WebSocket: asks for word timestamps, sends the text (all at once, or token by
// token like an LLM) and a flush, lists each chunk as it arrives and hands it to playback.js. The
// socket stays open while the turn plays, so Stop can still barge in: it sends `cancel` with the
// seconds actually heard and shows the `spoken_text` the server answers; once all is heard, `end`.
import { base64ToBytes, decode } from './audio.js';
import { highlightWords, resetCaptions, showBargeIn } from './captions.js';
import { $, apiKey, audioContext, setButtons, setStatus, settings, state, value } from './page.js';
import { createPlayback, heardS, play, played, silence } from './playback.js';
import { wordAt } from './timeline.js';

/** How long Stop waits for the server's `cancelled` before it closes the socket anyway. */
const CANCEL_WAIT_MS = 5000;

/** Splits text into LLM-like tokens: words with their leading space, long words in 4-letter pieces. */
function tokenize(text) {
  return (text.match(/\s*\S+/g) ?? []).flatMap((word) => word.match(/^\s*.{1,4}|.{1,4}/gs) ?? []);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function resetStreamView() {
  state.chunks = [];
  $('chunks').querySelector('tbody').replaceChildren();
  for (const id of ['ttfa', 'audio-s', 'rtf']) $(id).textContent = '–';
  $('chunk-count').textContent = '0';
  $('underruns').textContent = '0';
  resetCaptions();
}

function openSocket(wire) {
  const { model, voice, speed } = settings();
  const query = new URLSearchParams({ model, voice, speed: String(speed), format: wire });
  query.set('timestamps', 'word');
  if (/** @type {HTMLInputElement} */ ($('clause')).checked) query.set('first_chunk', 'clause');
  if (apiKey()) query.set('api_key', apiKey());
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(`${scheme}://${location.host}/api/stream/ws?${query}`);
  ws.binaryType = 'arraybuffer';
  return ws;
}

function addRow(header, bytes, arrivedMs) {
  const tr = document.createElement('tr');
  tr.dataset.seq = String(header.seq);
  for (const cell of [
    header.seq,
    header.text,
    header.duration.toFixed(2),
    header.words?.length ?? '–',
    Math.round(arrivedMs),
    bytes.byteLength,
  ]) {
    const td = document.createElement('td');
    td.textContent = String(cell);
    tr.append(td);
  }
  $('chunks').querySelector('tbody').append(tr);
}

/** A chunk arrived: list it, then decode and schedule it after the chunks before it. */
function receiveChunk(run, header, bytes) {
  if (run.done === 'cancelled') return; // sent before the server saw the cancel
  const arrivedMs = performance.now() - run.t0;
  if (state.chunks.length === 0) $('ttfa').textContent = `${Math.round(arrivedMs)} ms`;
  const row = {
    seq: header.seq,
    text: header.text,
    duration: header.duration,
    words: header.words ?? [],
    arrivedMs,
    bytes: bytes.byteLength,
  };
  state.chunks.push(row);
  run.audioS += header.duration;
  $('chunk-count').textContent = String(state.chunks.length);
  $('audio-s').textContent = `${run.audioS.toFixed(2)} s`;
  $('rtf').textContent = `${(run.audioS / (arrivedMs / 1000)).toFixed(1)}×`;
  addRow(header, bytes, arrivedMs);
  run.chain = run.chain
    .then(async () => {
      const buffer = await decode(run.playback.ctx, bytes, run.wire, header.sample_rate);
      if (run.done === 'cancelled') return;
      play(run.playback, header, buffer);
      $('underruns').textContent = String(run.playback.underruns);
      row.decodedS = buffer.duration;
    })
    .catch((err) => setStatus(`Could not play chunk ${header.seq}: ${err.message}`, 'error'));
}

/** Sends the text, all at once or token by token, then a flush: the turn is complete. */
async function feed(run, text, tokensPerS) {
  run.t0 = performance.now();
  if (tokensPerS === 0) run.send({ type: 'text', text });
  else {
    const llm = $('llm-view');
    for (const token of tokenize(text)) {
      if (run.ws.readyState !== WebSocket.OPEN || run.done) return;
      run.send({ type: 'text', text: token });
      llm.textContent += token;
      await sleep(1000 / tokensPerS);
    }
  }
  run.send({ type: 'flush' });
}

/** The turn is synthesized: the socket stays open until it has been heard, for a Stop. */
function turnSynthesized(run) {
  if (run.done) return;
  run.done = true;
  setStatus(`Done: ${state.chunks.length} chunks, ${run.audioS.toFixed(2)} s of audio.`, 'ok');
  void run.chain
    .then(() => played(run.playback))
    .then(() => {
      if (run.done === 'cancelled') return;
      highlightWords(-1);
      run.send({ type: 'end' });
    });
}

function onMessage(run, e, start) {
  if (typeof e.data !== 'string') {
    const header = run.pending;
    run.pending = null;
    if (header) receiveChunk(run, header, new Uint8Array(e.data));
    return;
  }
  const msg = JSON.parse(e.data);
  if (msg.type === 'ready') {
    setStatus(`Streaming (session ${msg.session_id}, ${msg.sample_rate} Hz ${msg.format})…`);
    void start();
  } else if (msg.type === 'audio') {
    if (msg.audio_base64) receiveChunk(run, msg, base64ToBytes(msg.audio_base64));
    else run.pending = msg;
  } else if (msg.type === 'flushed') turnSynthesized(run);
  else if (msg.type === 'cancelled') run.onCancelled?.(msg);
  else if (msg.type === 'error') setStatus(`Server: ${msg.detail}`, 'error');
}

export function stream(onClose) {
  const ctx = audioContext();
  const { format } = settings();
  // Each WS chunk must play on its own: wav and pcm do, the compressed formats are one long stream.
  const wire = format === 'wav' ? 'wav' : 'pcm';
  const text = value('text');
  const simulate = /** @type {HTMLInputElement} */ ($('simulate')).checked;
  const tokensPerS = Math.min(100, Math.max(1, Number(value('tokens-per-s')) || 25));
  const ws = openSocket(wire);
  resetStreamView();
  $('llm-view').textContent = '';
  $('llm-view').hidden = !simulate;
  const run = {
    ws,
    wire,
    send: (msg) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(msg)),
    playback: createPlayback(ctx),
    t0: 0,
    audioS: 0,
    pending: null,
    chain: Promise.resolve(),
    /** false while text is on its way, true once the turn is synthesized, 'cancelled' after Stop. */
    done: false,
    onCancelled: null,
  };
  state.stream = run;
  setButtons(true);
  setStatus(
    wire === format
      ? 'Connecting…'
      : `Connecting… (streams as ${wire}: ${format} chunks are not playable one by one)`,
  );
  ws.onmessage = (e) => onMessage(run, e, () => feed(run, text, simulate ? tokensPerS : 0));
  ws.onclose = (e) => {
    setButtons(false);
    if (!run.done)
      setStatus(
        `Connection closed (${e.code}${e.reason ? `: ${e.reason}` : ''}).`,
        e.code === 1000 ? '' : 'error',
      );
    onClose?.();
  };
  // A refused upgrade (bad key, bad parameters) surfaces as error + close; the close handler reports.
  ws.onerror = () => {};
}

/**
 * Barge-in: silences playback, tells the server how much of the turn was heard and shows what it
 * says was spoken; then ends the session (the server answers `done` and closes).
 */
export function stop() {
  const run = state.stream;
  if (!run || run.done === 'cancelled') return;
  const playedS = heardS(run.playback);
  run.done = 'cancelled';
  silence(run.playback);
  // The word playing at the moment reported, for people poking in devtools and for the browser test.
  run.stopped = { playedS, current: wordAt(run.playback.timeline, playedS) };
  if (run.ws.readyState !== WebSocket.OPEN) {
    run.ws.close(1000, 'stopped'); // still connecting: nothing was sent
    setStatus('Stopped.');
    return;
  }
  const timer = setTimeout(() => run.ws.close(1000, 'stopped'), CANCEL_WAIT_MS);
  run.onCancelled = (msg) => {
    clearTimeout(timer);
    run.onCancelled = null;
    if (typeof msg.spoken_text === 'string') showBargeIn(msg.spoken_text, msg.unspoken_text);
    setStatus(`Stopped after ${playedS.toFixed(2)} s of audio.`);
    run.send({ type: 'end' });
  };
  run.send({ type: 'cancel', played_s: Math.round(playedS * 1000) / 1000 });
  setStatus('Stopping…');
}
