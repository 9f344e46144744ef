// Python `re`/`str`/`int`/`float` semantics the upstream normalizer relies on, rebuilt for JS.
// Python's `\w`, `\d`, `\s` and `\b` are Unicode-aware on str patterns while JS's are ASCII
// (even with the `u` flag), and Python's int()/float() accept any Unicode decimal digit.

/** Python `\w` as a class body: letters, numbers (isalnum) and `_`. */
const WORD_BODY = String.raw`\p{L}\p{N}_`;
/** Python `\s` as a class body: the characters for which str.isspace() is true. */
const SPACE_BODY = String.raw`\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000`;
const WORD = `[${WORD_BODY}]`;
const BOUNDARY = `(?:(?<=${WORD})(?!${WORD})|(?<!${WORD})(?=${WORD}))`;

/** Python's single extra case-insensitive partners (re.IGNORECASE on str patterns). */
const IGNORECASE_EXTRAS: Readonly<Record<string, string>> = {
  i: 'I\u0130\u0131',
  k: 'K\u212a',
  s: 'S\u017f',
  µ: '\u039c\u03bc',
};

/**
 * Compiles a Python regex source as a JS `u` regex, translating `\w \d \s \S \b` to their
 * Python (Unicode) meaning. Other escapes pass through unchanged.
 */
export function pyRe(source: string, flags = 'g'): RegExp {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') {
      const next = source[i + 1] ?? '';
      i++;
      if (next === 'w') out += inClass ? WORD_BODY : WORD;
      else if (next === 'd') out += String.raw`\p{Nd}`;
      else if (next === 's') out += inClass ? SPACE_BODY : `[${SPACE_BODY}]`;
      else if (next === 'S' && !inClass) out += `[^${SPACE_BODY}]`;
      else if (next === 'b' && !inClass) out += BOUNDARY;
      else if ('WDSB'.includes(next) || (next === 'b' && inClass)) {
        throw new Error(`pyRe: unsupported escape \\${next} in ${source}`);
      } else out += `\\${next}`;
      continue;
    }
    if (ch === '[' && !inClass) inClass = true;
    else if (ch === ']' && inClass) inClass = false;
    out += ch;
  }
  return new RegExp(out, flags.includes('u') ? flags : `${flags}u`);
}

/** A literal matched the way Python's re.IGNORECASE matches it (e.g. `s` also matches `ſ`). */
export function ignoreCase(literal: string): string {
  let out = '';
  for (const ch of literal) {
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    if (lower === upper) out += /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
    else out += `[${lower}${IGNORECASE_EXTRAS[lower] ?? upper}]`;
  }
  return out;
}

/** Python `[a-z]` under re.IGNORECASE: the ASCII letters plus İ ı ſ K. */
export const IGNORECASE_ASCII_LETTER = '[a-zA-Z\u0130\u0131\u017f\u212a]';

const WORD_CHAR = new RegExp(`^${WORD}$`, 'u');
const SPACE_CHAR = new RegExp(`^[${SPACE_BODY}]$`, 'u');
const DECIMAL_CHAR = /^\p{Nd}$/u;

/** Python `\w` test for one code point. */
export function isPyWordCodePoint(cp: number): boolean {
  return cp < 0x80
    ? /[A-Za-z0-9_]/.test(String.fromCharCode(cp))
    : WORD_CHAR.test(String.fromCodePoint(cp));
}

function isPySpace(ch: string): boolean {
  return SPACE_CHAR.test(ch);
}

/** str.strip() with no arguments (Python whitespace, which differs from String.trim()). */
export function pyStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isPySpace(text[start] ?? '')) start++;
  while (end > start && isPySpace(text[end - 1] ?? '')) end--;
  return text.slice(start, end);
}

/** Raised where the upstream Python code would raise; callers turn it into "leave as written". */
export class PyValueError extends Error {
  override readonly name = 'PyValueError';
}

/** Python's default sys.int_max_str_digits: int() of a longer digit string raises ValueError. */
const INT_MAX_STR_DIGITS = 4300;

/** Value of one Unicode decimal digit (Nd digits come in contiguous runs of 0–9). */
function decimalValue(text: string): number {
  const cp = text.codePointAt(0) ?? 0;
  if (cp >= 0x30 && cp <= 0x39) return cp - 0x30;
  let offset = 0;
  while (DECIMAL_CHAR.test(String.fromCodePoint(cp - offset - 1))) offset++;
  return offset % 10;
}

/** Replaces every Unicode decimal digit by its ASCII digit (what int()/float() see). */
export function asciiDigits(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return text;
  return text.replace(/\p{Nd}/gu, (d) => String(decimalValue(d)));
}

/** Python int(str) for the strings the normalizer builds: optional sign, then digits. */
export function pyInt(text: string): bigint {
  const ascii = asciiDigits(text);
  if (!/^[+-]?[0-9]+$/.test(ascii)) throw new PyValueError(`invalid literal for int(): '${text}'`);
  const digits = ascii.length - (/^[+-]/.test(ascii) ? 1 : 0);
  if (digits > INT_MAX_STR_DIGITS)
    throw new PyValueError('exceeds the limit for int string conversion');
  return BigInt(ascii);
}

/** Python float(str) for the strings the normalizer builds (digits, sign, one dot). */
export function pyFloat(text: string): number {
  const ascii = asciiDigits(text);
  if (!/^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/.test(ascii)) {
    throw new PyValueError(`could not convert string to float: '${text}'`);
  }
  return Number(ascii);
}

/** Python int(float): truncation to an exact integer; inf raises OverflowError (here: PyValueError). */
export function pyIntOfFloat(value: number): bigint {
  if (!Number.isFinite(value)) throw new PyValueError('cannot convert float infinity to integer');
  return BigInt(Math.trunc(value));
}

/** Python repr(float): shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function pyFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  if (value === 0) return `${sign}0.0`;
  const [mantissa = '0', exponentText = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  const pointAt = exponent + 1;
  if (pointAt > 16 || pointAt < -3) {
    const head = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const expDigits = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${head}e${exponent < 0 ? '-' : '+'}${expDigits}`;
  }
  if (pointAt <= 0) return `${sign}0.${'0'.repeat(-pointAt)}${digits}`;
  if (pointAt >= digits.length) return `${sign}${digits}${'0'.repeat(pointAt - digits.length)}.0`;
  return `${sign}${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
}

/** The commas a `[\d,]+` match ends with: punctuation that upstream swallows with the number. */
export function trailingCommas(match: string): string {
  return /,+$/.exec(match)?.[0] ?? '';
}

/**
 * re.sub with a function replacement where a PyValueError from the replacement leaves that
 * match as written (upstream would raise and abort the whole call; we must never throw).
 */
export function pySub(
  text: string,
  pattern: RegExp,
  replace: (match: string, ...groups: (string | undefined)[]) => string,
): string {
  return text.replace(pattern, (match: string, ...rest: unknown[]) => {
    const groups = rest.slice(0, -2) as (string | undefined)[];
    // Named groups would append one more argument; none of our patterns uses them.
    try {
      return replace(match, ...groups);
    } catch (error) {
      if (error instanceof PyValueError) return match;
      throw error;
    }
  });
}
