// Where a chunk may end short of a sentence without changing what is said: after a plain word
// (letters only: never inside or next to a number, an abbreviation or a time), outside markup the
// normalizer strips or reads as a unit (HTML tags, Markdown links and their targets), and
// preferably at a natural break (before a conjunction, a preposition or a relative pronoun).

/** Words a spoken clause naturally starts with: a cut just before them sounds like a breath. */
export const BREAK_WORDS: ReadonlySet<string> = new Set([
  'and', 'but', 'or', 'nor', 'so', 'yet', 'because', 'since', 'although', 'though', 'unless',
  'which', 'that', 'who', 'whom', 'whose', 'where', 'when', 'while', 'whereas', 'if', 'then',
  'with', 'without', 'to', 'for', 'from', 'as', 'than', 'after', 'before', 'until', 'into',
  'about', 'through', 'during', 'like', 'including', 'especially',
]); // prettier-ignore

/** A word of letters (apostrophes and inner hyphens allowed), nothing else. */
const PLAIN_WORD = /^\p{L}+(?:['’-]\p{L}+)*$/u;

export function isPlainWord(word: string): boolean {
  return PLAIN_WORD.test(word);
}

/** `word` (as written, case and all) starts a clause: a chunk may end just before it. */
export function isBreakWord(word: string): boolean {
  return isPlainWord(word) && BREAK_WORDS.has(word.toLowerCase());
}

/**
 * The text ends inside markup, so no cut may come here: an HTML tag not closed yet (`<b class`),
 * a Markdown link's label or target not closed yet (`[two words` or `[x](/a b`). The normalizer
 * removes a tag whole and a link is one unit; a cut inside either would break it in two.
 */
export function insideMarkup(text: string): boolean {
  const lt = text.lastIndexOf('<');
  if (lt >= 0 && lt + 1 < text.length && text[lt + 1] !== '>' && !text.includes('>', lt + 1))
    return true;
  const open = text.lastIndexOf('[');
  if (open >= 0 && !text.includes(']', open + 1)) return true;
  const target = text.lastIndexOf('](');
  return target >= 0 && !text.includes(')', target + 2);
}
