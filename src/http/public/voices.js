// The playground's voice mixer and pronunciation box: up to three voices with weight sliders make
// a blend ("Luna(2)+Jasper(1)") that can be used at once or saved under a name (POST /v1/voices);
// the pronunciation box shows what the model receives for the typed text (POST /v1/phonemize).
import { $, postJson, setStatus } from './page.js';

const PARTS = ['a', 'b', 'c'];

/** The blend the mixer shows: parts with a voice and a weight above 0, weights as typed. */
export function mixerBlend() {
  return PARTS.map((p) => ({
    voice: /** @type {HTMLSelectElement} */ ($(`mix-voice-${p}`)).value,
    weight: Number(/** @type {HTMLInputElement} */ ($(`mix-weight-${p}`)).value),
  }))
    .filter((part) => part.voice !== '' && part.weight > 0)
    .map((part) => (part.weight === 1 ? part.voice : `${part.voice}(${part.weight})`))
    .join('+');
}

function showBlend() {
  for (const p of PARTS) {
    $(`mix-weight-${p}-out`).textContent = /** @type {HTMLInputElement} */ (
      $(`mix-weight-${p}`)
    ).value;
  }
  $('blend-out').textContent = mixerBlend() || '(choose a voice)';
}

/** Puts `voice` in the main voice menu (adding it when it is a blend) and selects it. */
function useVoice(voice) {
  const select = /** @type {HTMLSelectElement} */ ($('voice'));
  let option = [...select.options].find((o) => o.value === voice);
  if (!option) {
    option = document.createElement('option');
    option.value = voice;
    option.textContent = voice;
    select.append(option);
  }
  select.value = voice;
}

async function saveBlend(reload) {
  const name = /** @type {HTMLInputElement} */ ($('save-name')).value.trim();
  const voice = mixerBlend();
  const res = await postJson('/v1/voices', { name, voice });
  const body = await res.json();
  if (!res.ok) {
    setStatus(`Not saved: ${body.error?.message ?? res.status}`, 'error');
    return;
  }
  await reload();
  useVoice(name);
  setStatus(`Saved ${name} = ${voice}`);
}

let phonemizeSeq = 0;

async function showPhonemes() {
  const text = /** @type {HTMLTextAreaElement} */ ($('phon-text')).value;
  const seq = ++phonemizeSeq;
  const out = $('phon-out');
  if (text.trim() === '') {
    out.textContent = '';
    return;
  }
  const res = await postJson('/v1/phonemize', { text });
  const body = await res.json();
  if (seq !== phonemizeSeq) return; // a later keystroke already asked
  out.textContent = res.ok
    ? body.chunks.map((c) => c.phonemes.trim()).join('\n')
    : (body.error?.message ?? `error ${res.status}`);
}

/** Fills the mixer's menus from GET /api/voices' answer and wires the controls. */
export function setUpVoices(voices, reload) {
  for (const [i, p] of PARTS.entries()) {
    const select = /** @type {HTMLSelectElement} */ ($(`mix-voice-${p}`));
    const none = document.createElement('option');
    none.value = '';
    none.textContent = '—';
    select.replaceChildren(
      none,
      ...voices.map((v) => {
        const option = document.createElement('option');
        option.value = v.id;
        option.textContent = v.name;
        return option;
      }),
    );
    if (i < 2) select.value = voices[i]?.id ?? '';
  }
  if (setUpVoices.wired) return showBlend();
  setUpVoices.wired = true;
  for (const p of PARTS) {
    $(`mix-voice-${p}`).addEventListener('change', showBlend);
    $(`mix-weight-${p}`).addEventListener('input', showBlend);
  }
  $('use-blend').addEventListener('click', () => mixerBlend() && useVoice(mixerBlend()));
  $('save-voice').addEventListener('click', () => void saveBlend(reload));
  let timer;
  $('phon-text').addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void showPhonemes(), 250);
  });
  showBlend();
}
