// What both espeak-ng builds (native, wasm) provide to the phonemizer, and the post-processing
// Python phonemizer applies to espeak's output, the same for either build.
import { pyStrip } from '../chunk.js';

/** The espeak-ng voice upstream phonemizes with. */
export const VOICE = 'en-us';

/** One espeak-ng instance set to en-us: a punctuation-free piece → its clauses joined by ' '. */
export interface EspeakEngine {
  readonly backend: 'native' | 'wasm';
  readonly version: string;
  textToPhonemes(piece: string): string;
}

const UNDERSCORES = /_+/g;
const WORD_END_SEPARATOR = /_ /g;

/** `EspeakBackend._postprocess_line`: espeak's clauses → words, each followed by one space. */
export function postprocessEspeak(raw: string): string {
  const line = pyStrip(raw)
    .replaceAll('\n', ' ')
    .replaceAll('  ', ' ')
    .replace(UNDERSCORES, '_')
    .replace(WORD_END_SEPARATOR, ' ');
  if (line === '') return '';
  let out = '';
  for (const word of line.split(' ')) out += `${pyStrip(word).replaceAll('_', '')} `;
  return out;
}
