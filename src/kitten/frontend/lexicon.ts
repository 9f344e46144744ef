// The pronunciation lexicon (KITTENTTS_LEXICON): whole words, matched case-insensitively in a
// planned (normalized) chunk, written as phoneme markup so the worker treats a hit exactly as an
// inline `[word](/phonemes/)` (kitten/marked-frontend.ts). Applied on the gateway's side: the table
// is read once at start, and workers get plain chunk strings, as without a lexicon.
import { MarkupError, checkMarkup, findMarkup, writeMarkup } from './markup.js';

// Words as the lexicon sees them: maximal runs of letters, digits and underscores, so a hit is
// always a whole word. An entry is looked up over 1 to `#span` consecutive words: linear in the
// chunk, however many entries there are (one alternation of 10 000 words took ~4 ms a chunk).
const WORD = /[\p{L}\p{N}_]+/gu;
const EDGES = /^[\p{L}\p{N}_](?:.*[\p{L}\p{N}_])?$/su;

export class Lexicon {
  readonly #entries: ReadonlyMap<string, string>;
  /** Most words of one entry. */
  readonly #span: number;

  /** Throws MarkupError naming the first entry whose word or phonemes cannot be used. */
  constructor(entries: Readonly<Record<string, string>>) {
    const map = new Map<string, string>();
    let span = 0;
    for (const [word, phonemes] of Object.entries(entries)) {
      checkMarkup(word, phonemes);
      if (!EDGES.test(word)) {
        throw new MarkupError(`lexicon word '${word.slice(0, 40)}' must start and end with a letter or digit`); // prettier-ignore
      }
      map.set(word.toLowerCase(), phonemes.trim());
      span = Math.max(span, word.match(WORD)?.length ?? 1);
    }
    this.#entries = map;
    this.#span = span;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The chunk with each hit outside existing markup written as markup; unchanged without hits. */
  apply(chunk: string): string {
    if (this.#entries.size === 0) return chunk;
    let out = '';
    let last = 0;
    for (const m of findMarkup(chunk)) {
      out += this.#mark(chunk.slice(last, m.index)) + chunk.slice(m.index, m.index + m.length);
      last = m.index + m.length;
    }
    return out + this.#mark(chunk.slice(last));
  }

  /** Hits in a stretch without markup: the longest entry starting at each word wins. */
  #mark(part: string): string {
    const words = [...part.matchAll(WORD)].map((m) => [m.index, m.index + m[0].length] as const);
    let out = '';
    let last = 0;
    for (let i = 0; i < words.length; i++) {
      for (let j = Math.min(words.length, i + this.#span) - 1; j >= i; j--) {
        const said = part.slice(words[i]![0], words[j]![1]);
        const phonemes = this.#entries.get(said.toLowerCase());
        if (phonemes === undefined) continue;
        out += part.slice(last, words[i]![0]) + writeMarkup(said, phonemes);
        last = words[j]![1];
        i = j;
        break;
      }
    }
    return out + part.slice(last);
  }
}
