// Where one espeak word holds several text words ("do not" → `duːnˌɑːt`), which part of it is
// which word: decided only from the phonemes (the words said alone against the merged word), and
// undefined when they leave any doubt — the words then share the merged word's span.

type Range = readonly [number, number];

const STRESS = /[\u02c8\u02cc]/gu;
const STRESS_CHAR = /[\u02c8\u02cc]/u;
/** A phoneme string without its stress marks (what the distances compare). */
export const unstressed = (s: string) => s.replace(STRESS, '');

// Two rows of the edit-distance table, reused (the alignment computes thousands of distances).
let previousRow = new Int32Array(64);
let currentRow = new Int32Array(64);

/** Normalized edit distance of two phoneme strings, stress marks already left out (unstressed). */
export function bareDistance(x: string, y: string): number {
  if (x === y) return 0;
  if (previousRow.length <= y.length) {
    previousRow = new Int32Array(2 * y.length + 2);
    currentRow = new Int32Array(2 * y.length + 2);
  }
  let prev = previousRow;
  let row = currentRow;
  for (let j = 0; j <= y.length; j++) prev[j] = j;
  for (let i = 1; i <= x.length; i++) {
    row[0] = i;
    const ch = x.charCodeAt(i - 1);
    for (let j = 1; j <= y.length; j++) {
      const replace = prev[j - 1]! + (ch === y.charCodeAt(j - 1) ? 0 : 1);
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, replace);
    }
    [prev, row] = [row, prev];
  }
  return prev[y.length]! / Math.max(x.length, y.length);
}

/**
 * Where a merged espeak word splits into its text words, where its phonemes show it: the words
 * said alone, stress marks aside, are found at its start and end, and at most one word is left
 * for what lies between (`do not` → `duːnˌɑːt` = `duː` + `nɑːt`; `of the` → `əvðə` = ? + `ðə`).
 * Otherwise undefined: the words share the span.
 */
export function exactCuts(merged: string, parts: readonly string[]): Range[] | undefined {
  // Offsets in `merged` of each unstressed character, and one past the end.
  const at: number[] = [];
  let plain = '';
  for (let i = 0; i < merged.length; i++) {
    if (STRESS_CHAR.test(merged[i]!)) continue;
    at.push(i);
    plain += merged[i];
  }
  at.push(merged.length);
  const bare = parts.map(unstressed);
  let lo = 0;
  let hi = plain.length;
  let left = 0;
  let right = bare.length;
  while (left < right && plain.startsWith(bare[left]!, lo) && lo + bare[left]!.length <= hi)
    lo += bare[left++]!.length;
  while (right > left && plain.endsWith(bare[right - 1]!, hi) && hi - bare[right - 1]!.length >= lo)
    hi -= bare[--right]!.length;
  if (right - left > 1 || (right === left && lo !== hi)) return undefined;
  if (right - left === 1 && lo === hi && bare[left] !== '') return undefined;
  const cuts: Range[] = [];
  let pos = 0;
  for (let k = 0; k < bare.length; k++) {
    const len = k === left && right > left ? hi - lo : bare[k]!.length;
    // A stress mark before a syllable belongs to the word it starts.
    const from = k === 0 ? 0 : cuts[k - 1]![1];
    const to = k === bare.length - 1 ? merged.length : len === 0 ? from : at[pos + len - 1]! + 1;
    cuts.push([from, to]);
    pos += len;
  }
  return cuts;
}

// Vowels, length and syllabic marks: what espeak reduces when it runs function words together.
const VOWELISH = /[aeiouyæɐɑɒɔəɘɚɛɜɝɞɤɨɪɯɵøœɶʉʊʌʏᵻːˑ\u02c8\u02cc]|\u0329/u;
const isVowelish = (ch: string) => VOWELISH.test(ch);

/**
 * Where a merged word splits when only its vowels were reduced (`to be` → `təbi`, said alone
 * `tuː` + `bˈiː`): its consonants are exactly the words' consonants in order, and the vowels
 * between two words' consonants belong to the one that has vowels there said alone. Undefined
 * when that leaves any doubt (a word without consonants, vowels on both sides or on neither).
 */
export function consonantCuts(merged: string, parts: readonly string[]): Range[] | undefined {
  const consonants = (s: string) => [...s].filter((ch) => !isVowelish(ch)).join('');
  const counts = parts.map((p) => consonants(p).length);
  if (counts.some((n) => n === 0) || consonants(merged) !== parts.map(consonants).join('')) return undefined; // prettier-ignore
  // Offsets in `merged` of each consonant.
  const at = [...merged].flatMap((ch, i) => (isVowelish(ch) ? [] : [i]));
  const cuts: Range[] = [];
  let from = 0;
  let seen = 0;
  for (let k = 0; k < parts.length - 1; k++) {
    seen += counts[k]!;
    const lastOwn = at[seen - 1]! + 1; // just after this word's last consonant
    const nextOwn = at[seen]!; // the next word's first consonant
    const trailing = isVowelish(parts[k]!.at(-1)!);
    const leading = isVowelish(parts[k + 1]![0]!);
    const between = merged.slice(lastOwn, nextOwn);
    let cut: number;
    if (trailing && !leading) cut = nextOwn;
    else if (leading && !trailing) cut = lastOwn;
    else if (!trailing && !leading && unstressed(between) === '') cut = lastOwn;
    else return undefined;
    cuts.push([from, cut]);
    from = cut;
  }
  cuts.push([from, merged.length]);
  return cuts;
}
