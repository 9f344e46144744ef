// The LLM replies the conversation benchmarks speak (lib/replies.txt, one per line), read once.
import { readFileSync } from 'node:fs';

export const REPLIES: readonly string[] = readFileSync(
  new URL('./replies.txt', import.meta.url),
  'utf8',
)
  .split('\n')
  .map((l) => l.trim())
  .filter(Boolean);
