// The benchmark texts: three sentence lengths without numbers or abbreviations (so normalization
// leaves them as they are and each is one model chunk), and an LLM-like paragraph for streaming.

export const SENTENCES = {
  short: 'Hello there, how are you today?',
  medium:
    'The quick brown fox jumps over the lazy dog while the farmer watches from the porch and sips his coffee.',
  long: 'When the storm finally passed over the valley, the villagers came out of their houses, looked at the broken fences and fallen branches, and quietly began the long work of putting everything back in its place before the sun went down again.',
} as const;

export type SentenceName = keyof typeof SENTENCES;
export const SENTENCE_NAMES = Object.keys(SENTENCES) as SentenceName[];

/** A reply as an assistant would stream it: several sentences, the first one long with clauses. */
export const LLM_REPLY =
  'Sure, I can help you with that, and I think the easiest way to start is to look at the settings page first. ' +
  'Open the menu in the top corner and choose the option called preferences. ' +
  'There you will find a list of everything you can change. ' +
  'Pick the one you need and press save when you are done.';

/** Splits text into LLM-like tokens: a word with its leading space, punctuation on its own. */
export function llmTokens(text: string): string[] {
  return text.match(/\s*[\w']+|\s*[^\w\s]/g) ?? [];
}

/** One sentence of about `chars` characters with no inner full stop, so chunkText keeps it whole. */
export function sentenceOf(chars: number): string {
  const words = SENTENCES.long.replace(/[.,]/g, '').split(' ');
  let text = '';
  for (let i = 0; text.length + words[i % words.length]!.length + 2 <= chars; i++)
    text += (text ? ' ' : '') + words[i % words.length];
  return `${text}.`;
}
