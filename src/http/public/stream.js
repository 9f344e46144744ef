// Streaming over the WebSocket: sends the text (all at once, or token by token like an LLM), shows
// each chunk as it arrives and schedules it on the Web Audio clock right after the previous one, so
// playback is gapless however the chunks trickle in.
import { base64ToBytes, decode } from './audio.js';
import { $, apiKey, audioContext, setButtons, setStatus, settings, state, value } from './page.js';

/** Scheduling lead: enough to absorb a main-thread hiccup, small enough not to add latency. */
const LEAD_S = 0.05;

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
}

export function stream(onClose) {
  const ctx = audioContext();
  const { model, voice, speed, format } = settings();
  // Each WS chunk must play on its own: wav and pcm do, the compressed formats are one long stream.
  const wire = format === 'wav' ? 'wav' : 'pcm';
  const text = value('text');
  const simulate = /** @type {HTMLInputElement} */ ($('simulate')).checked;
  const tokensPerS = Math.min(100, Math.max(1, Number(value('tokens-per-s')) || 25));
  const query = new URLSearchParams({ model, voice, speed: String(speed), format: wire });
  if (/** @type {HTMLInputElement} */ ($('clause')).checked) query.set('first_chunk', 'clause');
  if (apiKey()) query.set('api_key', apiKey());
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(`${scheme}://${location.host}/api/stream/ws?${query}`);
  ws.binaryType = 'arraybuffer';
  resetStreamView();
  const llm = $('llm-view');
  llm.textContent = '';
  llm.hidden = !simulate;
  const run = {
    ws,
    sources: [],
    nextTimeS: 0,
    t0: 0,
    audioS: 0,
    pending: null,
    chain: Promise.resolve(),
    done: false,
    underruns: 0,
  };
  state.stream = run;
  setButtons(true);
  setStatus(
    wire === format
      ? 'Connecting…'
      : `Connecting… (streams as ${wire}: ${format} chunks are not playable one by one)`,
  );

  const schedule = async (header, bytes) => {
    const buffer = await decode(ctx, bytes, wire, header.sample_rate);
    if (run.done === 'cancelled') return;
    const earliest = ctx.currentTime + LEAD_S;
    if (run.nextTimeS > 0 && run.nextTimeS < ctx.currentTime) run.underruns++;
    const startS = Math.max(earliest, run.nextTimeS);
    const source = ctx.createBufferSource();
    source.buffer = buffer;
    source.connect(ctx.destination);
    source.start(startS);
    run.sources.push(source);
    run.nextTimeS = startS + buffer.duration;
    $('underruns').textContent = String(run.underruns);
    const row = state.chunks.find((c) => c.seq === header.seq);
    if (row) row.decodedS = buffer.duration;
  };

  const onChunk = (header, bytes) => {
    const arrivedMs = performance.now() - run.t0;
    if (state.chunks.length === 0) $('ttfa').textContent = `${Math.round(arrivedMs)} ms`;
    state.chunks.push({
      seq: header.seq,
      text: header.text,
      duration: header.duration,
      arrivedMs,
      bytes: bytes.byteLength,
    });
    run.audioS += header.duration;
    $('chunk-count').textContent = String(state.chunks.length);
    $('audio-s').textContent = `${run.audioS.toFixed(2)} s`;
    $('rtf').textContent = `${(run.audioS / (arrivedMs / 1000)).toFixed(1)}×`;
    const tr = document.createElement('tr');
    tr.dataset.seq = String(header.seq);
    for (const cell of [
      header.seq,
      header.text,
      header.duration.toFixed(2),
      Math.round(arrivedMs),
      bytes.byteLength,
    ]) {
      const td = document.createElement('td');
      td.textContent = String(cell);
      tr.append(td);
    }
    $('chunks').querySelector('tbody').append(tr);
    run.chain = run.chain
      .then(() => schedule(header, bytes))
      .catch((err) => setStatus(`Could not play chunk ${header.seq}: ${err.message}`, 'error'));
  };

  const feed = async () => {
    run.t0 = performance.now();
    const send = (msg) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(msg));
    if (!simulate) send({ type: 'text', text });
    else {
      for (const token of tokenize(text)) {
        if (ws.readyState !== WebSocket.OPEN || run.done) return;
        send({ type: 'text', text: token });
        llm.textContent += token;
        await sleep(1000 / tokensPerS);
      }
    }
    send({ type: 'end' });
  };

  ws.onmessage = (e) => {
    if (typeof e.data !== 'string') {
      const header = run.pending;
      run.pending = null;
      if (header) onChunk(header, new Uint8Array(e.data));
      return;
    }
    const msg = JSON.parse(e.data);
    if (msg.type === 'ready') {
      setStatus(`Streaming (session ${msg.session_id}, ${msg.sample_rate} Hz ${msg.format})…`);
      void feed();
    } else if (msg.type === 'audio') {
      if (msg.audio_base64) onChunk(msg, base64ToBytes(msg.audio_base64));
      else run.pending = msg;
    } else if (msg.type === 'done') {
      run.done = true;
      setStatus(`Done: ${state.chunks.length} chunks, ${run.audioS.toFixed(2)} s of audio.`, 'ok');
    } else if (msg.type === 'cancelled') {
      setStatus('Cancelled.');
    } else if (msg.type === 'error') {
      setStatus(`Server: ${msg.detail}`, 'error');
    }
  };
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

export function stop() {
  const run = state.stream;
  if (!run) return;
  run.done = 'cancelled';
  if (run.ws.readyState === WebSocket.OPEN) run.ws.send(JSON.stringify({ type: 'cancel' }));
  for (const source of run.sources) {
    try {
      source.stop();
    } catch {
      // already finished
    }
  }
  run.ws.close(1000, 'stopped');
  setStatus('Stopped.');
}
