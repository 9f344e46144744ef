// Currency amounts and percentages (upstream expand_currency / expand_percentages).
import { floatReprToWords, floatToWords, numberToWords } from './number-words.js';
import { asciiDigits, pyInt, pyRe, pyStrip, pySub, trailingCommas } from './py-compat.js';

const CURRENCY_UNITS: ReadonlyMap<string, string> = new Map([
  ['$', 'dollar'], ['€', 'euro'], ['£', 'pound'], ['¥', 'yen'], ['₹', 'rupee'], ['₩', 'won'],
  ['₿', 'bitcoin'],
]); // prettier-ignore
export const SCALE_WORDS: ReadonlyMap<string, string> = new Map([
  ['K', 'thousand'], ['M', 'million'], ['B', 'billion'], ['T', 'trillion'],
]); // prettier-ignore
/** Units whose English plural is the singular ("five yen"); upstream appends "s" to all. */
const INVARIANT_PLURALS = new Set(['yen', 'won']);

// Upstream's pattern, with the whitespace before the optional suffix captured for the fix.
const CURRENCY = pyRe(String.raw`([$€£¥₹₩₿])\s*([\d,]+(?:\.\d+)?)(\s*)([KMBT])?(?![a-zA-Z\d])`);

/**
 * "$4.99" → "four dollars and ninety-nine cents", "$2.5M" → "two point five million dollars".
 * Upstream also swallows a comma and the whitespace after an amount ("€30, £25" →
 * "thirty eurostwenty-five pounds"); outside strict mode they are kept.
 */
export function expandCurrency(text: string, strict: boolean): string {
  const plural = (unit: string): string =>
    !strict && INVARIANT_PLURALS.has(unit) ? unit : `${unit}s`;
  return pySub(text, CURRENCY, (_match, symbol = '', amount = '', space = '', suffix) => {
    const words = spellAmount(symbol, amount, suffix);
    if (strict) return words;
    return `${words}${trailingCommas(amount)}${suffix ? '' : space}`;
  });

  function spellAmount(symbol: string, amount: string, suffix: string | undefined): string {
    const unit = CURRENCY_UNITS.get(symbol) ?? '';
    const raw = asciiDigits(amount).replaceAll(',', '');
    if (suffix) {
      const num = raw.includes('.') ? floatToWords(raw, strict) : numberToWords(pyInt(raw), strict);
      return pyStrip(`${num} ${SCALE_WORDS.get(suffix) ?? ''} ${plural(unit)}`);
    }
    const dot = raw.indexOf('.');
    if (dot < 0) {
      const value = pyInt(raw);
      return `${numberToWords(value, strict)} ${value !== 1n ? plural(unit) : unit}`;
    }
    const centsValue = Number(pyInt(raw.slice(dot + 1, dot + 3).padEnd(2, '0')));
    const whole = pyInt(raw.slice(0, dot));
    // Upstream says "one dollars" whenever there is a decimal point.
    const unitWord = !strict && whole === 1n ? unit : plural(unit);
    let result = `${numberToWords(whole, strict)} ${unitWord}`;
    if (centsValue) {
      const cents = numberToWords(BigInt(centsValue), strict);
      result += ` and ${cents} cent${centsValue !== 1 ? 's' : ''}`;
    }
    return result;
  }
}

const PERCENT = pyRe(String.raw`(-?(?<![\d,])[\d,]+(?:\.\d+)?)\s*%`);

/** "50%" → "fifty percent"; decimals go through Python's float repr ("2.50%" → "two point five"). */
export function expandPercentages(text: string, strict: boolean): string {
  return pySub(text, PERCENT, (_match, amount = '') => {
    const raw = asciiDigits(amount).replaceAll(',', '');
    const words = raw.includes('.')
      ? floatReprToWords(raw, strict)
      : numberToWords(pyInt(raw), strict);
    return `${words} percent`;
  });
}
