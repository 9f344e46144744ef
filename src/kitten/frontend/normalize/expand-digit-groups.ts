// Digit groups read digit by digit or joined by words (upstream expand_ip_addresses,
// normalize_leading_decimals, expand_phone_numbers, expand_ranges, expand_model_names) and the
// final catch-all replace_numbers.
import { DIGIT_WORDS, floatToWords, numberToWords } from './number-words.js';
import {
  PyValueError,
  asciiDigits,
  pyFloat,
  pyInt,
  pyIntOfFloat,
  pyRe,
  pySub,
  trailingCommas,
} from './py-compat.js';

/** Upstream looks ASCII digits up in a dict: any other Unicode digit raises KeyError there. */
function digitByDigit(group: string): string {
  return [...group]
    .map((d) => {
      const word = /^[0-9]$/.test(d) ? DIGIT_WORDS[Number(d)] : undefined;
      if (word === undefined) throw new PyValueError(`KeyError: '${d}'`);
      return word;
    })
    .join(' ');
}

const IP_ADDRESS = pyRe(String.raw`(?<!\w)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?!\w)`);

/** "192.168.1.1" → "one nine two dot one six eight dot one dot one". */
export function expandIpAddresses(text: string): string {
  return pySub(text, IP_ADDRESS, (_match, ...octets) =>
    octets.map((octet) => digitByDigit(octet ?? '')).join(' dot '),
  );
}

const NEGATIVE_LEADING_DECIMAL = pyRe(String.raw`(?<!\d)(-)\.([\d])`);
const LEADING_DECIMAL = pyRe(String.raw`(?<!\d)\.([\d])`);

/** ".5" → "0.5", "-.25" → "-0.25". */
export function normalizeLeadingDecimals(text: string): string {
  return text
    .replace(NEGATIVE_LEADING_DECIMAL, (_m, minus: string, digit: string) => `${minus}0.${digit}`)
    .replace(LEADING_DECIMAL, (_m, digit: string) => `0.${digit}`);
}

// Longest pattern first, as upstream does, so that a shorter one never claims part of a number.
// Upstream's `\b` next to a digit is written `(?<!\w)`/`(?!\w)` here: same meaning, faster.
const PHONE_NUMBERS = [
  pyRe(String.raw`(?<!\d-)(?<!\w)(\d{1,2})-(\d{3})-(\d{3})-(\d{4})(?!\w)(?!-\d)`),
  pyRe(String.raw`(?<!\d-)(?<!\w)(\d{3})-(\d{3})-(\d{4})(?!\w)(?!-\d)`),
  pyRe(String.raw`(?<!\d-)(?<!\w)(\d{3})-(\d{4})(?!\w)(?!-\d)`),
];

/** "555-123-4567" → "five five five one two three four five six seven". */
export function expandPhoneNumbers(text: string): string {
  let result = text;
  for (const pattern of PHONE_NUMBERS) {
    result = pySub(result, pattern, (_match, ...groups) =>
      groups.map((group) => digitByDigit(group ?? '')).join(' '),
    );
  }
  return result;
}

const RANGE = pyRe(String.raw`(?<!\w)(\d+)-(\d+)(?!\w)`);

/** "10-20" → "ten to twenty". */
export function expandRanges(text: string, strict: boolean): string {
  return pySub(text, RANGE, (_match, low = '', high = '') => {
    const lowWords = numberToWords(pyInt(low), strict);
    return `${lowWords} to ${numberToWords(pyInt(high), strict)}`;
  });
}

const MODEL_VERSION = pyRe(String.raw`(?<!\w)([a-zA-Z][a-zA-Z0-9]*)-(\d[\d.]*)(?=[^\d.]|$)`);

/** "GPT-3" → "GPT 3", so that the number is not read as negative. */
export function expandModelNames(text: string): string {
  return text.replace(MODEL_VERSION, (_m, name: string, version: string) => `${name} ${version}`);
}

const NUMBER = pyRe(String.raw`(?<![a-zA-Z])-?[\d,]+(?:\.\d+)?`);

/**
 * Every remaining number to words; decimals digit by digit after "point". Upstream reads
 * integers through float() (so 2^53 and above lose digits, and ~1e309 stays as written) and
 * swallows a comma after a number ("In 1492, Columbus" → "…ninety-two columbus"); outside
 * strict mode integers are parsed exactly and the comma is kept.
 */
export function replaceNumbers(text: string, strict: boolean): string {
  return pySub(text, NUMBER, (match) => {
    const raw = asciiDigits(match).replaceAll(',', '');
    if (raw.includes('.')) return floatToWords(raw, strict);
    if (strict) return numberToWords(pyIntOfFloat(pyFloat(raw)), strict);
    return `${numberToWords(pyInt(raw), strict)}${trailingCommas(match)}`;
  });
}
