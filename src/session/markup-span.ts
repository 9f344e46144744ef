// Whether a position of streamed text lies inside inline markup (`[word](/phonemes/)`, a tag such
// as `[pause:0.5s]`, a Markdown link or an HTML tag the normalizer strips whole), so the segmenter
// never cuts there: phonemes hold spaces and marks that would otherwise look like word ends or
// sentence ends, and a tag or link cut in two is no longer one unit. Pure, and bounded: a `[` further back
// than MAX_MARKUP_CHARS is not markup, so a stray bracket cannot hold cuts back for long.

/** Longest markup (brackets, display text, phonemes) the guard looks back over. */
export const MAX_MARKUP_CHARS = 256;

/**
 * True when `text[i]` is inside `[…]`, or inside the `(…)` that directly follows a `]`. The text
 * after `i` is not needed: whether a markup has opened before `i` is already decided.
 */
export function insideMarkup(text: string, i: number): boolean {
  return insideBrackets(text, i) || insideTag(text, i);
}

/** After a `<` that starts a tag (`<b`, `</i`) and before its `>`. */
function insideTag(text: string, i: number): boolean {
  const stop = Math.max(0, i - MAX_MARKUP_CHARS);
  const lt = text.lastIndexOf('<', i - 1);
  if (lt < stop || !/[A-Za-z/!]/.test(text[lt + 1] ?? '')) return false;
  const gt = text.indexOf('>', lt + 1);
  return gt < 0 || gt >= i;
}

function insideBrackets(text: string, i: number): boolean {
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
