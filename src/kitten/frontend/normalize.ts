// Text normalizer: a port of upstream KittenTTS `TextPreprocessor(remove_punctuation=False)`
// (kittentts/preprocess.py at 9f3e0d8), exact in strict mode, with a few upstream bugs fixed
// by default (NORMALIZER_FIXES). Pure and synchronous; it never throws.
//
// One deliberate difference in both modes: where upstream raises (e.g. "$," or "-,%", a
// decimal percent whose float repr is in exponent form, a number over Python's 4300-digit
// int() limit, non-ASCII digits in a phone number), the matched text is left as written.
import { expandCurrency, expandPercentages } from './normalize/expand-money.js';
import {
  expandDecades,
  expandFractions,
  expandOrdinals,
  expandScaleSuffixes,
  expandScientificNotation,
  expandUnits,
} from './normalize/expand-measures.js';
import { expandTime } from './normalize/expand-time.js';
import {
  expandIpAddresses,
  expandModelNames,
  expandPhoneNumbers,
  expandRanges,
  normalizeLeadingDecimals,
  replaceNumbers,
} from './normalize/expand-digit-groups.js';
import { pyRe, pyStrip } from './normalize/py-compat.js';
import {
  expandContractions,
  removeEmails,
  removeHtmlTags,
  removeUrls,
} from './normalize/strip-markup.js';

export interface NormalizeOptions {
  /** reproduce upstream exactly, quirks included */
  strict?: boolean;
}

export const DEFAULT_NORMALIZE_OPTIONS: Readonly<Required<NormalizeOptions>> = { strict: false };

/** The upstream bugs fixed when `strict` is off; each has a test. */
export const NORMALIZER_FIXES: readonly { id: string; description: string; example: string }[] = [
  {
    id: 'time-keeps-space',
    description: 'A clock time without am/pm no longer swallows the whitespace after it.',
    example: '"3:05 p.m." → "three oh five p.m." (upstream: "three oh fivep.m.")',
  },
  {
    id: 'time-seconds',
    description: 'The seconds of H:MM:SS are spoken instead of dropped.',
    example: '"7:05:30" → "seven oh five and thirty seconds" (upstream: "seven oh five")',
  },
  {
    id: 'large-numbers',
    description:
      'Integers from 10^15 are spoken (scales up to decillion, then digit by digit) instead of ' +
      'losing every group above trillion, and plain integers are parsed exactly, not through a float.',
    example: '"1000000000000000" → "one quadrillion" (upstream: "")',
  },
  {
    id: 'currency-singular',
    description: 'An amount with cents and a whole part of 1 takes the singular unit.',
    example: '"$1.01" → "one dollar and one cent" (upstream: "one dollars and one cent")',
  },
  {
    id: 'currency-invariant-plural',
    description: 'Yen and won take no plural "s".',
    example: '"¥5" → "five yen" (upstream: "five yens")',
  },
  {
    id: 'number-trailing-comma',
    description:
      'A comma right after a number or currency amount stays as punctuation (upstream swallows it ' +
      'as a thousands separator), and so does the whitespace after a currency amount.',
    example:
      '"In 1492, Columbus" → "in one thousand four hundred ninety-two, columbus" ' +
      '(upstream: "…ninety-two columbus"); "€30, £25" → "thirty euros, twenty-five pounds"',
  },
  {
    id: 'ordinal-tens',
    description: 'Ordinals of the tens end in "-ieth", in ordinals and fraction denominators.',
    example: '"20th" → "twentieth", "3/20" → "three twentieths" (upstream: "twentyth")',
  },
  {
    id: 'unit-singular',
    description: 'A unit after the integer 1 is singular.',
    example: '"1km" → "one kilometer" (upstream: "one kilometers")',
  },
  {
    id: 'decimal-exponent-repr',
    description:
      'A decimal percent or unit amount whose Python float repr is in exponent form (below ' +
      '0.0001 or from 1e16) is read as written; upstream raises ValueError on it.',
    example: '"0.00001%" → "zero point zero zero zero zero one percent" (upstream: raises)',
  },
];

const WHITESPACE_RUN = pyRe(String.raw`\s+`);

function runPipeline(input: string, strict: boolean): string {
  let text = input.normalize('NFC');
  text = removeHtmlTags(text);
  text = removeUrls(text);
  text = removeEmails(text);
  text = expandContractions(text);
  // IPs before leading decimals (".168" would become "0.168"), special forms before numbers.
  text = expandIpAddresses(text);
  text = normalizeLeadingDecimals(text);
  text = expandCurrency(text, strict);
  text = expandPercentages(text, strict);
  text = expandScientificNotation(text, strict);
  text = expandTime(text, strict);
  text = expandOrdinals(text, strict);
  text = expandUnits(text, strict);
  text = expandScaleSuffixes(text, strict);
  text = expandFractions(text, strict);
  text = expandDecades(text, strict);
  text = expandPhoneNumbers(text);
  text = expandRanges(text, strict);
  text = expandModelNames(text);
  text = replaceNumbers(text, strict);
  text = text.toLowerCase();
  return pyStrip(text.replace(WHITESPACE_RUN, ' '));
}

/** Normalizes text for speech: numbers, units, currency, times… to words, lowercased. */
export function normalizeText(text: string, options: NormalizeOptions = {}): string {
  const strict = options.strict ?? DEFAULT_NORMALIZE_OPTIONS.strict;
  const input = typeof text === 'string' ? text : String(text ?? '');
  try {
    return runPipeline(input, strict);
  } catch {
    // Unreachable by design (every upstream raise is handled); speak the text as written
    // rather than fail the request.
    return pyStrip(input.toLowerCase().replace(WHITESPACE_RUN, ' '));
  }
}
