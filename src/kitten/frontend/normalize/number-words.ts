// English number words: upstream `number_to_words`, `float_to_words` and `_ordinal_suffix`,
// on bigint so that Python's arbitrary-precision int results are reproduced exactly.
import { asciiDigits, pyFloat, pyFloatRepr, pyInt, PyValueError } from './py-compat.js';

const ONES = [
  '', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven',
  'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen',
]; // prettier-ignore
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
export const DIGIT_WORDS = ['zero', ...ONES.slice(1, 10)];

/** Upstream stops at trillion and silently drops every digit above 10^15. */
const UPSTREAM_SCALES = ['', 'thousand', 'million', 'billion', 'trillion'];
const EXTENDED_SCALES = [
  ...UPSTREAM_SCALES, 'quadrillion', 'quintillion', 'sextillion', 'septillion', 'octillion',
  'nonillion', 'decillion',
]; // prettier-ignore
const EXTENDED_LIMIT = 1000n ** BigInt(EXTENDED_SCALES.length);

const ORDINAL_EXCEPTIONS: ReadonlyMap<string, string> = new Map([
  ['one', 'first'], ['two', 'second'], ['three', 'third'], ['four', 'fourth'], ['five', 'fifth'],
  ['six', 'sixth'], ['seven', 'seventh'], ['eight', 'eighth'], ['nine', 'ninth'], ['twelve', 'twelfth'],
]); // prettier-ignore

function threeDigitsToWords(n: number): string {
  if (n === 0) return '';
  const parts: string[] = [];
  const hundreds = Math.floor(n / 100);
  const remainder = n % 100;
  if (hundreds) parts.push(`${ONES[hundreds]} hundred`);
  if (remainder < 20) {
    if (remainder) parts.push(ONES[remainder] ?? '');
  } else {
    const tens = TENS[Math.floor(remainder / 10)] ?? '';
    const ones = ONES[remainder % 10] ?? '';
    parts.push(ones ? `${tens}-${ones}` : tens);
  }
  return parts.join(' ');
}

/** Digits read one by one ("one two three"). */
export function spellDigits(digits: string): string {
  return [...digits].map((d) => DIGIT_WORDS[Number(d)] ?? d).join(' ');
}

/**
 * Integer to words. Strict keeps upstream's cut at trillion (10^15 → ""); otherwise scales
 * run to decillion and anything larger is read digit by digit.
 */
export function numberToWords(n: bigint, strict: boolean): string {
  if (n === 0n) return 'zero';
  if (n < 0n) return `negative ${numberToWords(-n, strict)}`;
  // X00 up to 1900 read as "X hundred" (1200 → "twelve hundred"), but 1000 stays "one thousand".
  if (n >= 100n && n <= 9999n && n % 100n === 0n && n % 1000n !== 0n) {
    const hundreds = Number(n / 100n);
    if (hundreds < 20) return `${ONES[hundreds]} hundred`;
  }
  if (!strict && n >= EXTENDED_LIMIT) return spellDigits(n.toString());
  const parts: string[] = [];
  let rest = n;
  for (const scale of strict ? UPSTREAM_SCALES : EXTENDED_SCALES) {
    const chunk = Number(rest % 1000n);
    if (chunk) {
      const words = threeDigitsToWords(chunk);
      parts.push(scale ? `${words} ${scale}` : words);
    }
    rest /= 1000n;
    if (rest === 0n) break;
  }
  return parts.reverse().join(' ');
}

/**
 * Upstream float_to_words on its string form: the integer part in words, then each decimal
 * digit ("3.10" → "three point one zero"). Throws PyValueError where Python's int() would
 * (a repr such as "1e-05" reaches here from the percent and unit expanders).
 */
export function floatToWords(text: string, strict: boolean): string {
  const negative = text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  const dot = body.indexOf('.');
  let result: string;
  if (dot >= 0) {
    const intPart = body.slice(0, dot);
    const intWords = intPart ? numberToWords(pyInt(intPart), strict) : 'zero';
    const decWords = [...body.slice(dot + 1)].map((d) => {
      const word = /^[0-9]$/.test(d) ? DIGIT_WORDS[Number(d)] : undefined;
      if (word === undefined) throw new PyValueError(`invalid literal for int(): '${d}'`);
      return word;
    });
    result = `${intWords} point ${decWords.join(' ')}`;
  } else {
    result = numberToWords(pyInt(body), strict);
  }
  return negative ? `negative ${result}` : result;
}

/**
 * Upstream _ordinal_suffix: only the last word becomes ordinal ("twenty-first"). Upstream
 * turns the tens into "twentyth"; outside strict mode they are "twentieth".
 */
export function ordinalWords(n: bigint, strict: boolean): string {
  const word = numberToWords(n, strict);
  let prefix: string;
  let last: string;
  let joiner: string;
  const hyphen = word.lastIndexOf('-');
  const space = word.lastIndexOf(' ');
  if (hyphen >= 0) {
    [prefix, last, joiner] = [word.slice(0, hyphen), word.slice(hyphen + 1), '-'];
  } else if (space >= 0) {
    [prefix, last, joiner] = [word.slice(0, space), word.slice(space + 1), ' '];
  } else {
    [prefix, last, joiner] = ['', word, ''];
  }
  let lastOrdinal = ORDINAL_EXCEPTIONS.get(last);
  if (lastOrdinal === undefined) {
    if (!strict && last.endsWith('y')) lastOrdinal = `${last.slice(0, -1)}ieth`;
    else if (last.endsWith('t')) lastOrdinal = `${last}h`;
    else if (last.endsWith('e')) lastOrdinal = `${last.slice(0, -1)}th`;
    else lastOrdinal = `${last}th`;
  }
  return prefix ? `${prefix}${joiner}${lastOrdinal}` : lastOrdinal;
}

/**
 * Upstream float_to_words(float(raw)), as the percent and unit expanders call it: the value is
 * read through Python's repr, so "2.50" → "two point five". Where that repr is in exponent form
 * or inf, upstream raises (strict: PyValueError); otherwise the digits are read as written.
 */
export function floatReprToWords(raw: string, strict: boolean): string {
  const repr = pyFloatRepr(pyFloat(raw));
  if (!strict && !/^-?[0-9]+\.[0-9]+$/.test(repr)) return floatToWords(asciiDigits(raw), strict);
  return floatToWords(repr, strict);
}
