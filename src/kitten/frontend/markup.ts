// Inline phoneme markup, `[KittenTTS](/kˈɪtən tˌiːtˌiːˈɛs/)`: the words in brackets are spoken with
// the phonemes between the slashes. This file finds the markup, checks the phonemes against the
// model's symbol table and strips a planned chunk down to its display text plus the marks (where
// each marked word is and what it is said as). Pure: the gateway validates with it before any
// worker runs, and the worker strips each chunk with it (kitten/marked-frontend.ts).
import { chunkText } from './chunk.js';
import { SYMBOLS } from './tokenize.js';

/** Longest display text and longest phoneme string one markup may hold. */
export const MAX_MARKUP_DISPLAY_CHARS = 100;
export const MAX_MARKUP_PHONEME_CHARS = 200;

// `[display](/phonemes/)`: no brackets or newline in the display, no slash or parens in the phonemes.
const MARKUP = /\[([^[\]\n]+)\]\(\/([^/()\n]+)\/\)/gu;

const KNOWN = new Set(SYMBOLS);

/** A marked stretch of a chunk's display text, [from, to) UTF-16 offsets, and its phonemes. */
export interface Mark {
  readonly from: number;
  readonly to: number;
  readonly phonemes: string;
}

export interface MarkupMatch {
  readonly index: number;
  readonly length: number;
  readonly display: string;
  readonly phonemes: string;
}

export class MarkupError extends Error {
  override readonly name = 'MarkupError';
}

/** Every markup in `text`, in order. */
export function findMarkup(text: string): MarkupMatch[] {
  return [...text.matchAll(MARKUP)].map((m) => ({
    index: m.index,
    length: m[0].length,
    display: m[1]!,
    phonemes: m[2]!,
  }));
}

/** The first character of `phonemes` the model has no symbol for (whitespace is fine), if any. */
export function unknownSymbol(phonemes: string): string | undefined {
  for (const ch of phonemes) if (!KNOWN.has(ch) && !/\s/u.test(ch)) return ch;
  return undefined;
}

const codePoint = (ch: string) =>
  `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Throws MarkupError naming the problem when a markup's display or phonemes cannot be used. */
export function checkMarkup(display: string, phonemes: string): void {
  const shown = display.slice(0, 40);
  if (display.trim() === '' || display.length > MAX_MARKUP_DISPLAY_CHARS) {
    throw new MarkupError(
      `phoneme markup '[${shown}]' needs 1 to ${MAX_MARKUP_DISPLAY_CHARS} characters of text`,
    );
  }
  if (phonemes.trim() === '' || phonemes.length > MAX_MARKUP_PHONEME_CHARS) {
    throw new MarkupError(
      `phoneme markup '[${shown}]' needs 1 to ${MAX_MARKUP_PHONEME_CHARS} characters of phonemes`,
    );
  }
  const bad = unknownSymbol(phonemes);
  if (bad !== undefined) {
    throw new MarkupError(
      `phoneme markup '[${shown}]': '${bad}' (${codePoint(bad)}) is not in the model's symbol table`,
    );
  }
}

/** A planned chunk without its markup (what espeak and the style row see) and the marks in it. */
export function stripMarkup(chunk: string): { text: string; marks: Mark[] } {
  const marks: Mark[] = [];
  let text = '';
  let last = 0;
  for (const m of findMarkup(chunk)) {
    text += chunk.slice(last, m.index);
    marks.push({
      from: text.length,
      to: text.length + m.display.length,
      phonemes: m.phonemes.trim(),
    });
    text += m.display;
    last = m.index + m.length;
  }
  return { text: text + chunk.slice(last), marks };
}

/** `[display](/phonemes/)`. */
export const writeMarkup = (display: string, phonemes: string) => `[${display}](/${phonemes}/)`;

/**
 * `text` with each markup's brackets and phonemes blanked out, its display text where it was: the
 * same length, so offsets in it are offsets in `text` (word timestamps locate words in it).
 */
export function blankMarkup(text: string): string {
  return text.replace(MARKUP, (all, display: string) => ` ${display}`.padEnd(all.length, ' '));
}

// Lower-case letters only, so the normalizer keeps it as it is and the chunker sees one word.
const PLACEHOLDER = /zqxj([a-j]+)zqxj/gu;
const placeholder = (k: number) =>
  `zqxj${[...String(k)].map((d) => String.fromCharCode(97 + Number(d))).join('')}zqxj`;
const indexOf = (letters: string) => Number([...letters].map((c) => c.charCodeAt(0) - 97).join(''));

export interface HiddenMarkup {
  /** The text with each markup swapped for a one-word placeholder. */
  readonly text: string;
  /** A chunk planned from `text` with its placeholders swapped back for the markup. */
  restore(chunk: string): string;
}

/**
 * Hides markup from the normalizer and the chunkers (which would rewrite it, or cut at the spaces
 * and marks its phonemes hold). `check` sees each markup first and may throw.
 */
export function hideMarkup(text: string, check?: (m: MarkupMatch) => void): HiddenMarkup {
  const hidden: string[] = [];
  let out = '';
  let last = 0;
  for (const m of findMarkup(text)) {
    check?.(m);
    out += `${text.slice(last, m.index)}${placeholder(hidden.length)}`;
    hidden.push(text.slice(m.index, m.index + m.length));
    last = m.index + m.length;
  }
  if (hidden.length === 0) return { text, restore: (chunk) => chunk };
  return {
    text: out + text.slice(last),
    restore: (chunk) => chunk.replace(PLACEHOLDER, (all, k: string) => hidden[indexOf(k)] ?? all),
  };
}

/** chunkText that never cuts inside markup; exactly chunkText for text without markup. */
export function chunkMarkedText(text: string): string[] {
  const hidden = hideMarkup(text);
  return chunkText(hidden.text).map(hidden.restore);
}
