// Numbers with a unit, scale, exponent, ordinal suffix, fraction bar or decade "s"
// (upstream expand_scientific_notation, expand_ordinals, expand_units, expand_scale_suffixes,
// expand_fractions, expand_decades).
import { floatReprToWords, floatToWords, numberToWords, ordinalWords } from './number-words.js';
import { SCALE_WORDS } from './expand-money.js';
import { asciiDigits, ignoreCase, pyInt, pyRe, pySub } from './py-compat.js';

const SCIENTIFIC = pyRe(String.raw`(?<![a-zA-Z\d])(-?\d+(?:\.\d+)?)[eE]([+-]?\d+)(?![a-zA-Z\d])`);

/** "1e-4" → "one times ten to the negative four". */
export function expandScientificNotation(text: string, strict: boolean): string {
  return pySub(text, SCIENTIFIC, (_match, coefficient = '', exponent = '') => {
    const exp = pyInt(exponent);
    const coeff = asciiDigits(coefficient);
    const coeffWords = coeff.includes('.')
      ? floatToWords(coeff, strict)
      : numberToWords(pyInt(coeff), strict);
    const sign = exp < 0n ? 'negative ' : '';
    return `${coeffWords} times ten to the ${sign}${numberToWords(exp < 0n ? -exp : exp, strict)}`;
  });
}

// Upstream's `\b` next to a word character is written `(?<!\w)`/`(?!\w)`: same meaning, faster.
const ORDINAL = pyRe(
  String.raw`(?<!\w)(\d+)(${['st', 'nd', 'rd', 'th'].map((s) => ignoreCase(s)).join('|')})(?!\w)`,
);

/** "21st" → "twenty-first". */
export function expandOrdinals(text: string, strict: boolean): string {
  return pySub(text, ORDINAL, (_match, digits = '') => ordinalWords(pyInt(digits), strict));
}

const UNIT_NAMES: ReadonlyMap<string, string> = new Map([
  ['km', 'kilometers'], ['kg', 'kilograms'], ['mg', 'milligrams'], ['ml', 'milliliters'],
  ['gb', 'gigabytes'], ['mb', 'megabytes'], ['kb', 'kilobytes'], ['tb', 'terabytes'],
  ['hz', 'hertz'], ['khz', 'kilohertz'], ['mhz', 'megahertz'], ['ghz', 'gigahertz'],
  ['mph', 'miles per hour'], ['kph', 'kilometers per hour'], ['ms', 'milliseconds'],
  ['ns', 'nanoseconds'], ['µs', 'microseconds'], ['°c', 'degrees Celsius'],
  ['c°', 'degrees Celsius'], ['°f', 'degrees Fahrenheit'], ['f°', 'degrees Fahrenheit'],
]); // prettier-ignore
// Upstream's trailing `\b`, distributed over the alternatives (same backtracking order): after a
// letter it is `(?!\w)`, after "°" it needs a word character next.
const letterUnit = (unit: string): string => `${ignoreCase(unit)}(?!\\w)`;
const UNIT_ALTERNATIVES = [
  ...['km', 'kg', 'mg', 'ml', 'gb', 'mb', 'kb', 'tb', 'hz', 'khz', 'mhz', 'ghz', 'mph', 'kph'].map(
    letterUnit,
  ),
  '°[cCfF](?!\\w)',
  '[cCfF]°(?=\\w)',
  ...['ms', 'ns', 'µs'].map(letterUnit),
].join('|');
// `(?<!\d)` only skips starts inside a digit run: they fail whenever the run's first digit
// fails (same continuation), and trying them all made upstream's regex quadratic.
const UNIT = pyRe(String.raw`(?<!\d)(\d+(?:\.\d+)?)\s*(${UNIT_ALTERNATIVES})`);

/**
 * "100km" → "one hundred kilometers", "25°C" → "twenty-five degrees Celsius". Upstream keeps
 * the plural for 1 ("one kilometers"); outside strict mode it is "one kilometer".
 */
export function expandUnits(text: string, strict: boolean): string {
  return pySub(text, UNIT, (_match, amount = '', unit = '') => {
    const raw = asciiDigits(amount);
    const name = UNIT_NAMES.get(unit.toLowerCase());
    if (raw.includes('.')) return `${floatReprToWords(raw, strict)} ${name ?? unit}`;
    const value = pyInt(raw);
    // Every plural name is "<word>s …" except the hertz family, which has no "s" to drop.
    const singular = !strict && value === 1n && name !== undefined;
    return `${numberToWords(value, strict)} ${singular ? name.replace(/s\b/, '') : (name ?? unit)}`;
  });
}

// Upstream: `(?<![a-zA-Z])(\d+…)`. Inside a digit run only the first start allowed by that
// lookbehind can match (see UNIT), so the others are skipped to stay linear.
const SCALE = pyRe(
  String.raw`(?:(?<![a-zA-Z\d])|(?<=[a-zA-Z]\d))(\d+(?:\.\d+)?)\s*([KMBT])(?![a-zA-Z\d])`,
);

/** "7B" → "seven billion" (uppercase suffixes only). */
export function expandScaleSuffixes(text: string, strict: boolean): string {
  return pySub(text, SCALE, (_match, amount = '', suffix = '') => {
    const raw = asciiDigits(amount);
    const num = raw.includes('.') ? floatToWords(raw, strict) : numberToWords(pyInt(raw), strict);
    return `${num} ${SCALE_WORDS.get(suffix) ?? suffix}`;
  });
}

const FRACTION = pyRe(String.raw`(?<!\w)(\d+)\s*/\s*(\d+)(?!\w)`);

/** "3/4" → "three quarters", "5/8" → "five eighths"; "x/0" is left alone. */
export function expandFractions(text: string, strict: boolean): string {
  return pySub(text, FRACTION, (match, numerator = '', denominator = '') => {
    const num = pyInt(numerator);
    const den = pyInt(denominator);
    if (den === 0n) return match;
    let denomWord: string;
    if (den === 2n) denomWord = num === 1n ? 'half' : 'halves';
    else if (den === 4n) denomWord = num === 1n ? 'quarter' : 'quarters';
    else denomWord = `${ordinalWords(den, strict)}${num !== 1n ? 's' : ''}`;
    return `${numberToWords(num, strict)} ${denomWord}`;
  });
}

const DECADE_WORDS = [
  'hundreds', 'tens', 'twenties', 'thirties', 'forties', 'fifties', 'sixties', 'seventies',
  'eighties', 'nineties',
]; // prettier-ignore
const DECADE = pyRe(String.raw`(?<!\w)(\d{1,3})0s(?!\w)`);

/** "80s" → "eighties", "1980s" → "nineteen eighties". */
export function expandDecades(text: string, strict: boolean): string {
  return pySub(text, DECADE, (_match, digits = '') => {
    const base = Number(pyInt(digits));
    const decadeWord = DECADE_WORDS[base % 10] ?? '';
    if (base < 10) return decadeWord;
    return `${numberToWords(BigInt(Math.floor(base / 10)), strict)} ${decadeWord}`;
  });
}
