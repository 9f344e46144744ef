// Upstream's first steps: HTML tags, URLs and e-mail addresses, then English contractions.
// HTML and e-mail are hand-written scanners: the upstream regexes are quadratic on adversarial
// input (many '<' without '>', long "a.a.a…" runs before an '@'), these give the same matches in
// linear time.
import {
  IGNORECASE_ASCII_LETTER,
  ignoreCase,
  isPyWordCodePoint,
  pyRe,
  pyStrip,
} from './py-compat.js';

/** `<[^>]+>` → " ". */
export function removeHtmlTags(text: string): string {
  let out = '';
  let last = 0;
  let i = text.indexOf('<');
  while (i >= 0) {
    if (i + 1 < text.length && text[i + 1] !== '>') {
      const close = text.indexOf('>', i + 1);
      if (close < 0) break; // no later '<' can find a '>' either
      out += `${text.slice(last, i)} `;
      last = close + 1;
      i = text.indexOf('<', last);
    } else {
      i = text.indexOf('<', i + 1);
    }
  }
  return out + text.slice(last);
}

const URL = pyRe(String.raw`https?://\S+|www\.\S+`);

/** `https?://\S+|www\.\S+` removed, then str.strip(). */
export function removeUrls(text: string): string {
  return pyStrip(text.replace(URL, ''));
}

function codePointBefore(text: string, index: number): number | undefined {
  if (index <= 0) return undefined;
  const low = text.charCodeAt(index - 1);
  if (index >= 2 && low >= 0xdc00 && low <= 0xdfff) {
    const high = text.charCodeAt(index - 2);
    if (high >= 0xd800 && high <= 0xdbff) return (high - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
  }
  return low;
}

const cpLength = (cp: number): number => (cp > 0xffff ? 2 : 1);
const isWordAt = (text: string, index: number): boolean => {
  const cp = text.codePointAt(index);
  return cp !== undefined && isPyWordCodePoint(cp);
};
const isWordBefore = (text: string, index: number): boolean => {
  const cp = codePointBefore(text, index);
  return cp !== undefined && isPyWordCodePoint(cp);
};
const isLocalChar = (cp: number): boolean => isPyWordCodePoint(cp) || cp === 0x2e || cp === 0x2b || cp === 0x2d; // prettier-ignore
const isDomainChar = (cp: number): boolean => isPyWordCodePoint(cp) || cp === 0x2d;
const TLD_LETTER = new RegExp(`^${IGNORECASE_ASCII_LETTER}$`, 'u');

/** End of `[\w-]+\.[a-z]{2,}\b` (IGNORECASE) starting at `from`, or -1. */
function domainEnd(text: string, from: number): number {
  let i = from;
  for (
    let cp = text.codePointAt(i);
    cp !== undefined && isDomainChar(cp);
    cp = text.codePointAt(i)
  ) {
    i += cpLength(cp);
  }
  if (i === from || text[i] !== '.') return -1;
  let letters = 0;
  i++;
  while (i < text.length && TLD_LETTER.test(String.fromCodePoint(text.codePointAt(i) ?? 0))) {
    i += cpLength(text.codePointAt(i) ?? 0);
    letters++;
  }
  // A shorter TLD never helps: it would end between two word characters.
  return letters >= 2 && !isWordAt(text, i) ? i : -1;
}

/** `\b[\w.+-]+@[\w-]+\.[a-z]{2,}\b` (IGNORECASE) removed, then str.strip(). */
export function removeEmails(text: string): string {
  let out = '';
  let last = 0;
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    let start = at;
    for (
      let cp = codePointBefore(text, start);
      start > last && cp !== undefined && isLocalChar(cp);
    ) {
      start -= cpLength(cp);
      cp = codePointBefore(text, start);
    }
    if (start === at) continue;
    const end = domainEnd(text, at + 1);
    if (end < 0) continue;
    // Leftmost start in the local part where `\b` holds; every start shares the same end.
    let s = start;
    while (s < at && isWordBefore(text, s) === isWordAt(text, s))
      s += cpLength(text.codePointAt(s) ?? 0);
    if (s === at) continue;
    out += text.slice(last, s);
    last = end;
    at = end - 1;
  }
  return pyStrip(out + text.slice(last));
}

/** Upstream's contraction table, applied in this order, each case-insensitively. */
// Every pattern starts and ends with a word character, so upstream's `\b` is `(?<!\w)`/`(?!\w)`.
const contraction = (body: string): RegExp => pyRe(String.raw`(?<!\w)${body}(?!\w)`);
const CONTRACTIONS: readonly [RegExp, (match: string, stem?: string) => string][] = [
  [contraction(ignoreCase("can't")), () => 'cannot'],
  [contraction(ignoreCase("won't")), () => 'will not'],
  [contraction(ignoreCase("shan't")), () => 'shall not'],
  [contraction(ignoreCase("ain't")), () => 'is not'],
  [contraction(ignoreCase("let's")), () => 'let us'],
  [contraction(String.raw`(\w+)${ignoreCase("n't")}`), (_m, stem = '') => `${stem} not`],
  [contraction(String.raw`(\w+)${ignoreCase("'re")}`), (_m, stem = '') => `${stem} are`],
  [contraction(String.raw`(\w+)${ignoreCase("'ve")}`), (_m, stem = '') => `${stem} have`],
  [contraction(String.raw`(\w+)${ignoreCase("'ll")}`), (_m, stem = '') => `${stem} will`],
  [contraction(String.raw`(\w+)${ignoreCase("'d")}`), (_m, stem = '') => `${stem} would`],
  [contraction(String.raw`(\w+)${ignoreCase("'m")}`), (_m, stem = '') => `${stem} am`],
  [contraction(ignoreCase("it's")), () => 'it is'],
];

/** Expands contractions with an ASCII apostrophe ("don't" → "do not"), keeping the stem's case. */
export function expandContractions(text: string): string {
  let result = text;
  for (const [pattern, replace] of CONTRACTIONS) {
    if (result.includes("'")) result = result.replace(pattern, replace);
  }
  return result;
}
