// The words of the streamed turn as text under the waveform, the playing one marked (class and
// aria-current), and what a Stop learned back from the server: the text heard and the rest.
import { $ } from './page.js';

export function resetCaptions() {
  $('captions').replaceChildren();
  $('barge-in').hidden = true;
}

/** Appends a chunk's words; `first` is the index of its first word in the turn. */
export function appendWords(words, first) {
  const spans = words.map((w, i) => {
    const span = document.createElement('span');
    span.textContent = w.text;
    span.dataset.i = String(first + i);
    return span;
  });
  $('captions').append(...spans.flatMap((s) => [s, ' ']));
}

/** Moves the mark to words `first` to `last` (one word unless they share a span; -1: none). */
export function highlightWords(first, last = first) {
  const captions = $('captions');
  for (const el of captions.querySelectorAll('.current')) {
    el.classList.remove('current');
    el.removeAttribute('aria-current');
  }
  for (let i = Math.max(first, 0); i <= last; i++) {
    const el = captions.querySelector(`span[data-i="${i}"]`);
    el?.classList.add('current');
    el?.setAttribute('aria-current', 'true');
  }
}

export function showBargeIn(spokenText, unspokenText) {
  $('spoken-text').textContent = spokenText || '(nothing)';
  $('unspoken-text').textContent = unspokenText || '(nothing)';
  $('barge-in').hidden = false;
}
