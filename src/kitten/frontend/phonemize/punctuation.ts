// Python phonemizer's punctuation handling (`Punctuation.preserve` / `Punctuation.restore`): the
// marks are cut out before espeak-ng sees a line and put back, in place, into its phonemes.
import { PY_WHITESPACE_CLASS } from '../chunk.js';

// phonemizer's default marks; a run of them with the whitespace around it is one mark.
const MARKS = ';:,.!?¡¿—…"«»“”(){}[]';
const MARKS_RE = new RegExp(
  `(?:[${PY_WHITESPACE_CLASS}]*[${MARKS.replace(/[\\\][^-]/g, '\\$&')}]+[${PY_WHITESPACE_CLASS}]*)+`,
  'gu',
);

interface Mark {
  text: string;
  position: 'B' | 'I' | 'E' | 'A';
}

/** `Punctuation.preserve` for one line: the non-empty pieces to phonemize, and the marks. */
export function preservePunctuation(line: string): { pieces: string[]; marks: Mark[] } {
  const found = [...line.matchAll(MARKS_RE)].map((m) => m[0]);
  if (found.length === 0) return { pieces: line === '' ? [] : [line], marks: [] };
  if (found.length === 1 && found[0] === line)
    return { pieces: [], marks: [{ text: line, position: 'A' }] };
  const marks = found.map((text, i): Mark => {
    // Python compares the strings, not match offsets: startswith/endswith.
    if (i === 0 && line.startsWith(text)) return { text, position: 'B' };
    if (i === found.length - 1 && line.endsWith(text)) return { text, position: 'E' };
    return { text, position: 'I' };
  });
  const pieces: string[] = [];
  let rest = line;
  for (const mark of marks) {
    const at = rest.indexOf(mark.text);
    pieces.push(rest.slice(0, at));
    rest = rest.slice(at + mark.text.length);
  }
  pieces.push(rest);
  return { pieces: pieces.filter((p) => p !== ''), marks };
}

/** `Punctuation.restore` (word separator ' ', strip=False) for one line; upstream keeps element 0. */
export function restorePunctuation(phonemized: string[], marks: readonly Mark[]): string {
  const text = [...phonemized];
  const out: string[] = [];
  let pending = [...marks];
  let pos = 0;
  while (text.length > 0 || pending.length > 0) {
    if (pending.length === 0) {
      for (const line of text) out.push(line.endsWith(' ') ? line : `${line} `);
      text.length = 0;
    } else if (text.length === 0) {
      out.push(pending.map((m) => m.text).join(''));
      pending = [];
    } else if (pos === 0) {
      // Every mark of a single line has index 0, so all of them are placed here.
      const mark = pending.shift()!;
      if (text[0]!.endsWith(' ')) text[0] = text[0]!.slice(0, -1);
      const trail = mark.text.endsWith(' ') ? '' : ' ';
      if (mark.position === 'B') text[0] = mark.text + text[0]!;
      else if (mark.position === 'E') {
        out.push(text.shift()! + mark.text + trail);
        pos++;
      } else if (mark.position === 'A') {
        out.push(mark.text + trail);
        pos++;
      } else if (text.length === 1) text[0] = text[0]! + mark.text;
      else text.splice(0, 2, text[0]! + mark.text + text[1]!);
    } else {
      out.push(text.shift()!);
      pos++;
    }
  }
  return out[0] ?? '';
}

const MARK_CHARS = new Set(MARKS);

/** One of phonemizer's punctuation marks (they separate words in its output as in its input). */
export function isMark(ch: string): boolean {
  return MARK_CHARS.has(ch);
}

/** Where preservePunctuation's pieces lie in `line`: [from, to) UTF-16 offsets, none empty. */
export function pieceRanges(line: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let at = 0;
  for (const mark of line.matchAll(MARKS_RE)) {
    if (mark.index > at) ranges.push([at, mark.index]);
    at = mark.index + mark[0].length;
  }
  if (line.length > at) ranges.push([at, line.length]);
  return ranges;
}
