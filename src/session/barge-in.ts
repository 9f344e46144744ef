// Barge-in that knows what was heard: when a listener interrupts, the turn's text is cut at the
// last word it heard, so a voice agent can keep only what was really said in its history.
import type { Word } from '../engine/word-timings.js';

/** A chunk of the turn's audio as it was delivered. */
export interface DeliveredAudio {
  readonly text: string;
  readonly durationS: number;
  readonly words: readonly Word[];
}

export interface TurnSplit {
  /** The turn's text up to the end of the last word heard. */
  readonly spokenText: string;
  /** Everything after it: the rest of that sentence, later sentences, the buffered text. */
  readonly unspokenText: string;
}

const join = (parts: readonly string[]) => parts.filter((p) => p !== '').join(' ');

/**
 * Cuts the turn after `playedS` seconds of its delivered audio (undefined: everything delivered
 * was heard). `pending` is the turn's text that never became audio, in order.
 */
export function splitTurn(
  delivered: readonly DeliveredAudio[],
  pending: readonly string[],
  playedS?: number,
): TurnSplit {
  const spoken: string[] = [];
  const unspoken: string[] = [];
  let startS = 0;
  for (const audio of delivered) {
    const localS = playedS === undefined ? Infinity : playedS - startS;
    startS += audio.durationS;
    if (heardInFull(audio, localS)) spoken.push(audio.text);
    else {
      const cut = localS <= 0 ? 0 : cutAfterHeard(audio, localS);
      spoken.push(audio.text.slice(0, cut).trimEnd());
      unspoken.push(audio.text.slice(cut).trimStart());
    }
  }
  unspoken.push(...pending);
  return { spokenText: join(spoken), unspokenText: join(unspoken) };
}

/**
 * A chunk with no audio (a sentence that failed) counts as heard once later audio was: the turn's
 * text stays in order, spoken and unspoken.
 */
const heardInFull = (audio: DeliveredAudio, localS: number) =>
  audio.durationS > 0 ? localS >= audio.durationS : localS > 0;

/**
 * Where the text of `audio` ends after its words heard within `playedS`: the end of the last word
 * heard whose place in the text is known, never inside a source a later word still comes from
 * (`$5` is spoken once `five dollars` both were).
 */
function cutAfterHeard(audio: DeliveredAudio, playedS: number): number {
  let cut = 0;
  for (const word of audio.words) {
    if (!word.chars) continue;
    if (word.end <= playedS) cut = Math.max(cut, word.chars[1]);
    else if (word.chars[0] < cut) cut = word.chars[0];
  }
  return cut;
}
