// The pronunciation lexicon (KITTENTTS_LEXICON): whole words, matched case-insensitively in a
// planned (normalized) chunk, written as phoneme markup so the worker treats a hit exactly as an
// inline `[word](/phonemes/)` (kitten/marked-frontend.ts). Applied on the gateway's side: the table
// is read once at start, and workers get plain chunk strings, as without a lexicon.
import { checkMarkup, findMarkup, writeMarkup } from './markup.js';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/gu, '\\$&');

export class Lexicon {
  readonly #entries: ReadonlyMap<string, string>;
  readonly #pattern: RegExp | undefined;

  /** Throws MarkupError naming the first entry whose word or phonemes cannot be used. */
  constructor(entries: Readonly<Record<string, string>>) {
    const map = new Map<string, string>();
    for (const [word, phonemes] of Object.entries(entries)) {
      checkMarkup(word, phonemes);
      map.set(word.toLowerCase(), phonemes.trim());
    }
    this.#entries = map;
    // Longest first, so "New York" wins over "New"; not next to a letter, digit or underscore.
    const words = [...map.keys()].sort((a, b) => b.length - a.length).map(escape);
    this.#pattern =
      words.length === 0
        ? undefined
        : new RegExp(`(?<![\\p{L}\\p{N}_])(?:${words.join('|')})(?![\\p{L}\\p{N}_])`, 'giu');
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The chunk with each hit outside existing markup written as markup; unchanged without hits. */
  apply(chunk: string): string {
    const pattern = this.#pattern;
    if (pattern === undefined) return chunk;
    const mark = (part: string) =>
      part.replace(pattern, (word) => writeMarkup(word, this.#entries.get(word.toLowerCase())!));
    let out = '';
    let last = 0;
    for (const m of findMarkup(chunk)) {
      out += mark(chunk.slice(last, m.index)) + chunk.slice(m.index, m.index + m.length);
      last = m.index + m.length;
    }
    return out + mark(chunk.slice(last));
  }
}
