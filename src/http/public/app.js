// The playground's entry script (plain ES modules, no build step, this origin only): fills the
// choices, wires the buttons, generates with POST /api/generate (wav) or the one-shot SSE stream
// (other formats), and shows /api/stats. Streaming lives in stream.js.
import {
  base64ToBytes,
  concatBytes,
  decode,
  describeBuffer,
  sseEvents,
  wavFromPcm,
} from './audio.js';
import {
  $,
  api,
  audioContext,
  postJson,
  setButtons,
  setStatus,
  settings,
  state,
  value,
} from './page.js';
import { stop, stream } from './stream.js';
import { setUpVoices } from './voices.js';

const MIME = {
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  opus: 'audio/ogg',
  flac: 'audio/flac',
  pcm: 'audio/wav',
};
const EXT = { wav: 'wav', mp3: 'mp3', opus: 'ogg', flac: 'flac', pcm: 'pcm' };
const KEY_STORAGE = 'kittentts.apiKey';

function fillSelect(id, items, selected) {
  const select = $(id);
  select.replaceChildren(
    ...items.map(({ value: v, label }) => {
      const option = document.createElement('option');
      option.value = v;
      option.textContent = label;
      option.selected = v === selected;
      return option;
    }),
  );
}

async function loadChoices() {
  const [models, voices] = await Promise.all([
    api('/api/models').then((r) => r.json()),
    api('/api/voices').then((r) => r.json()),
  ]);
  fillSelect(
    'model',
    models.models.map((m) => ({ value: m.id, label: `${m.name} (${m.params})` })),
    models.models[0]?.id,
  );
  const selected = value('voice') || 'Bella';
  fillSelect(
    'voice',
    voices.voices.map((v) => ({ value: v.id, label: `${v.name} — ${v.gender}` })),
    selected,
  );
  setUpVoices(voices.voices, loadChoices);
}

async function generate() {
  const ctx = audioContext();
  const { model, voice, speed, format } = settings();
  const text = value('text');
  const t0 = performance.now();
  setStatus('Generating…');
  let bytes;
  let info;
  if (format === 'wav') {
    const body = await (await postJson('/api/generate', { text, voice, speed, model })).json();
    bytes = base64ToBytes(body.audio_base64);
    info = `${body.duration.toFixed(2)} s of audio in ${body.debug_info.generation_time.toFixed(2)} s (RTF ${body.debug_info.real_time_factor}×)`;
  } else {
    const res = await postJson('/api/generate/stream', { text, voice, speed, model, format });
    const parts = [];
    for await (const ev of sseEvents(res.body)) {
      if (ev.event === 'audio' || ev.event === 'audio_end')
        parts.push(base64ToBytes(ev.data.audio_base64));
      else if (ev.event === 'error') throw new Error(ev.data.detail);
      else if (ev.event === 'done')
        info = `${ev.data.duration.toFixed(2)} s of audio in ${ev.data.chunks} chunks`;
    }
    bytes = concatBytes(parts);
  }
  const buffer = await decode(ctx, bytes, format, 24000);
  state.lastDecoded = { format, bytes: bytes.byteLength, ...describeBuffer(buffer) };
  const playable = format === 'pcm' ? wavFromPcm(bytes, 24000) : bytes;
  if (state.downloadUrl) URL.revokeObjectURL(state.downloadUrl);
  state.downloadUrl = URL.createObjectURL(
    new Blob([format === 'pcm' ? bytes : playable], { type: MIME[format] }),
  );
  const playUrl =
    format === 'pcm'
      ? URL.createObjectURL(new Blob([playable], { type: 'audio/wav' }))
      : state.downloadUrl;
  const player = /** @type {HTMLAudioElement} */ ($('player'));
  player.src = playUrl;
  player.play().catch(() => setStatus('Press play to listen (the browser blocked autoplay).'));
  const link = /** @type {HTMLAnchorElement} */ ($('download'));
  link.href = state.downloadUrl;
  link.download = `kittentts.${EXT[format]}`;
  link.hidden = false;
  $('gen-info').textContent =
    `${info ?? ''} · decoded ${buffer.duration.toFixed(2)} s · ${Math.round(performance.now() - t0)} ms round trip`;
  setStatus(`Generated ${format}, ${bytes.byteLength} bytes.`, 'ok');
}

async function loadStats() {
  try {
    const s = await (await api('/api/stats')).json();
    const g = s.generation_stats;
    const entries = [
      ['Requests', g.total_requests],
      ['Audio generated', `${g.total_audio_generated} s`],
      ['Mean generation', `${g.avg_generation_time} s`],
      ['Mean RTF', `${g.avg_rtf}×`],
      ['Loaded models', s.system.loaded_models.join(', ') || 'none'],
      ['Memory', `${s.system.memory_usage_mb} MB`],
    ];
    $('stats').replaceChildren(
      ...entries.map(([k, v]) => {
        const div = document.createElement('div');
        const dt = document.createElement('dt');
        const dd = document.createElement('dd');
        dt.textContent = k;
        dd.textContent = String(v);
        div.append(dt, dd);
        return div;
      }),
    );
    $('recent')
      .querySelector('tbody')
      .replaceChildren(
        ...g.recent_requests
          .slice(-10)
          .reverse()
          .map((r) => {
            const tr = document.createElement('tr');
            for (const cell of [
              r.model,
              r.voice,
              r.text_length,
              r.duration,
              r.generation_time,
              r.rtf,
            ]) {
              const td = document.createElement('td');
              td.textContent = String(cell);
              tr.append(td);
            }
            return tr;
          }),
      );
  } catch (err) {
    $('stats').textContent = `Stats unavailable: ${err.message}`;
  }
}

/** Runs an action from a button, reporting failures in the status line instead of the console. */
const guarded = (fn) => () =>
  Promise.resolve()
    .then(fn)
    .catch((err) => setStatus(err.message, 'error'));

async function init() {
  const key = /** @type {HTMLInputElement} */ ($('api-key'));
  key.value = localStorage.getItem(KEY_STORAGE) ?? '';
  key.addEventListener('change', () => {
    localStorage.setItem(KEY_STORAGE, key.value.trim());
    void guarded(start)();
  });
  $('speed').addEventListener(
    'input',
    () => ($('speed-out').textContent = Number(value('speed')).toFixed(2)),
  );
  $('generate').addEventListener(
    'click',
    guarded(async () => {
      setButtons(true);
      try {
        await generate();
      } finally {
        setButtons(false);
        void loadStats();
      }
    }),
  );
  $('stream').addEventListener(
    'click',
    guarded(() => stream(() => void loadStats())),
  );
  $('stop').addEventListener('click', guarded(stop));
  $('refresh-stats').addEventListener('click', guarded(loadStats));
  await guarded(start)();
}

async function start() {
  await loadChoices();
  await loadStats();
  setStatus('Ready.', 'ok');
  document.body.dataset.ready = 'true';
}

void init();
