// Whether a position of streamed text lies inside inline markup (`[word](/phonemes/)` or a tag
// such as `[pause:0.5s]`), so the segmenter never cuts there: phonemes hold spaces and marks that
// would otherwise look like word ends or sentence ends. Pure, and bounded: a `[` further back
// than MAX_MARKUP_CHARS is not markup, so a stray bracket cannot hold cuts back for long.

/** Longest markup (brackets, display text, phonemes) the guard looks back over. */
export const MAX_MARKUP_CHARS = 256;

/**
 * True when `text[i]` is inside `[…]`, or inside the `(…)` that directly follows a `]`. The text
 * after `i` is not needed: whether a markup has opened before `i` is already decided.
 */
export function insideMarkup(text: string, i: number): boolean {
  let open = i - 1;
  const stop = Math.max(0, i - MAX_MARKUP_CHARS);
  while (open >= stop && text[open] !== '[') open--;
  if (open < stop) return false;
  const close = text.indexOf(']', open + 1);
  if (close < 0 || close >= i) return true;
  if (text[close + 1] !== '(') return false;
  const end = text.indexOf(')', close + 2);
  return end < 0 || end >= i;
}
