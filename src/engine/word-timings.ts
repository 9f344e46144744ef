// Word timings as every door sends them: the words of one synthesis (its model chunks in order,
// each word's samples counted from its own chunk's start) with times in seconds from the start of
// the synthesis's audio, and where each word is in the text the client sent.
import { blankMarkup } from '../kitten/frontend/markup.js';
import { locateWords } from '../kitten/frontend/source-map.js';
import { SAMPLE_RATE_HZ, type WordSpan } from './protocol.js';

/**
 * One word on the wire. `start`/`end`: seconds (to the sample, rounded to 1e-6) from the start of
 * the audio it belongs to. `chars`: [from, to) UTF-16 offsets in the text the client sent, when the
 * word is found there (words normalization made from one source, `$5` → `five dollars`, carry that
 * source's range). `shared`: present when espeak said several words as one and the audio cannot
 * tell them apart; the index (in this list) of the group's first word, and every word of the group
 * has the group's span.
 */
export interface Word {
  text: string;
  start: number;
  end: number;
  chars?: [number, number];
  shared?: number;
}

/** What word timings are built from: a synthesis's chunks, in order. */
export interface TimedChunk {
  readonly samples: number;
  readonly words: readonly WordSpan[];
}

const seconds = (samples: number) => Math.round((samples / SAMPLE_RATE_HZ) * 1e6) / 1e6;

/**
 * The words of `chunks`, in order, timed from `offsetSamples` before the first chunk, with
 * `chars` located in `source` (the text the synthesis was asked for).
 */
export function timedWords(
  chunks: readonly TimedChunk[],
  source: string,
  offsetSamples = 0,
): Word[] {
  const spans: Array<{ span: WordSpan; offset: number; base: number }> = [];
  let offset = offsetSamples;
  for (const chunk of chunks) {
    const base = spans.length;
    for (const span of chunk.words) spans.push({ span, offset, base });
    offset += chunk.samples;
  }
  // Markup's brackets and phonemes were never said: a marked word is found at its display text.
  const chars = locateWords(
    blankMarkup(source),
    spans.map(({ span }) => span.text),
  );
  return spans.map(({ span, offset: at, base }, i): Word => {
    const word: Word = {
      text: span.text,
      start: seconds(at + span.startSample),
      end: seconds(at + span.endSample),
    };
    const range = chars[i];
    if (range) word.chars = [range[0], range[1]];
    if (span.sharedWith !== undefined) word.shared = base + span.sharedWith;
    return word;
  });
}
