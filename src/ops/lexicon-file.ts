// KITTENTTS_LEXICON: a JSON object of word → phonemes, `{"KittenTTS": "kˈɪtən tˌiːtˌiːˈɛs"}`, read
// once at start-up (kitten/frontend/lexicon.ts matches it). A bad file (unreadable, not JSON, not
// an object of strings, a symbol the model does not have) stops the start with a message naming it.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config.js';
import { Lexicon } from '../kitten/frontend/lexicon.js';

/** Most entries a lexicon may hold (it is one regular expression, built once). */
export const MAX_LEXICON_ENTRIES = 10_000;

export function readLexiconFile(file: string): Lexicon {
  const fail = (why: string) => new ConfigError(`KITTENTTS_LEXICON: ${file}: ${why}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw fail(
      err instanceof SyntaxError ? `not JSON (${err.message})` : `cannot read (${String(err)})`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw fail('must be a JSON object of word → phonemes');
  }
  const entries = Object.entries(parsed);
  const notString = entries.find(([, v]) => typeof v !== 'string');
  if (notString) throw fail(`the phonemes of '${notString[0].slice(0, 40)}' are not a string`);
  if (entries.length > MAX_LEXICON_ENTRIES) {
    throw fail(`more than ${MAX_LEXICON_ENTRIES} entries`);
  }
  try {
    return new Lexicon(parsed as Record<string, string>);
  } catch (err) {
    throw fail((err as Error).message);
  }
}
