// Shared by the playground's modules: element lookup, the status line, the form's settings, the
// Web Audio context and fetch with the API key. Plain ES module, no build step.
export const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** What the page did last, for people poking in devtools and for the browser test. */
export const state = { lastDecoded: null, chunks: [], stream: null, downloadUrl: null };
window.playground = state;

let audioCtx = null;
export function audioContext() {
  audioCtx ??= new AudioContext();
  if (audioCtx.state === 'suspended') void audioCtx.resume();
  return audioCtx;
}

export function setStatus(text, kind = '') {
  const el = $('status');
  el.textContent = text;
  el.className = kind;
}

export function apiKey() {
  return /** @type {HTMLInputElement} */ ($('api-key')).value.trim();
}

/** fetch with the key as a bearer token; non-2xx answers become an Error carrying the server's detail. */
export async function api(path, init = {}) {
  const headers = { ...(init.headers ?? {}) };
  if (apiKey()) headers.Authorization = `Bearer ${apiKey()}`;
  const res = await fetch(path, { ...init, headers });
  if (!res.ok) {
    let detail = `${res.status} ${res.statusText}`;
    try {
      const body = await res.json();
      detail = body.detail ?? body.error?.message ?? detail;
    } catch {
      // not JSON: keep the status line
    }
    if (res.status === 401 || res.status === 403) detail += ' — enter a valid API key above.';
    throw new Error(detail);
  }
  return res;
}

export const postJson = (path, body) =>
  api(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

export function value(id) {
  return /** @type {HTMLInputElement} */ ($(id)).value;
}

export function settings() {
  return {
    model: value('model'),
    voice: value('voice'),
    speed: Number(value('speed')),
    format: value('format'),
  };
}

export function setButtons(streaming) {
  /** @type {HTMLButtonElement} */ ($('stop')).disabled = !streaming;
  /** @type {HTMLButtonElement} */ ($('stream')).disabled = streaming;
  /** @type {HTMLButtonElement} */ ($('generate')).disabled = streaming;
}
