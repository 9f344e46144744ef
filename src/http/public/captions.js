// The words of the streamed turn as text under the waveform, the playing one marked (class and
// aria-current), and what a Stop learned back from the server: the text heard and the rest. The
// captions are the chunks' own text: each word's `chars` says where it is written there.
import { $ } from './page.js';

/** For each word of the turn, the element that shows it (words said for one written word share it). */
let elements = [];

export function resetCaptions() {
  elements = [];
  $('captions').replaceChildren();
  $('barge-in').hidden = true;
}

/** Appends a chunk: its text as written, each word's place in it a span. */
export function appendChunk(text, words) {
  const nodes = elements.length > 0 ? [' '] : [];
  let at = 0;
  let last = null;
  for (const w of words) {
    const i = elements.length;
    const [from, to] = w.chars ?? [-1, -1];
    if (from >= at) {
      if (from > at) nodes.push(text.slice(at, from));
      last = wordSpan(text.slice(from, to), i);
      nodes.push(last);
      at = to;
    } else if (!last) {
      last = wordSpan(w.text, i);
      nodes.push(last, ' ');
    }
    // A word said from the same written one as the word before (`$5`: five dollars), or found
    // nowhere in the text, is shown by the word before.
    elements.push(last);
  }
  if (at < text.length) nodes.push(text.slice(at));
  $('captions').append(...nodes);
}

function wordSpan(text, index) {
  const span = document.createElement('span');
  span.textContent = text;
  span.dataset.i = String(index);
  return span;
}

/** Moves the mark to words `first` to `last` (one word unless they share a span; -1: none). */
export function highlightWords(first, last = first) {
  for (const el of $('captions').querySelectorAll('.current')) {
    el.classList.remove('current');
    el.removeAttribute('aria-current');
  }
  for (let i = Math.max(first, 0); i <= last; i++) {
    elements[i]?.classList.add('current');
    elements[i]?.setAttribute('aria-current', 'true');
  }
}

export function showBargeIn(spokenText, unspokenText) {
  $('spoken-text').textContent = spokenText || '(nothing)';
  $('unspoken-text').textContent = unspokenText || '(nothing)';
  $('barge-in').hidden = false;
}
