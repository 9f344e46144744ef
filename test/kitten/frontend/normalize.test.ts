// The text normalizer against upstream's golden vectors (strict), its documented fixes (default),
// and its robustness promises: never throw, stay linear, stay pure.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_NORMALIZE_OPTIONS,
  NORMALIZER_FIXES,
  normalizeText,
} from '../../../src/kitten/frontend/normalize.js';

interface GoldenCase {
  id: string;
  text: string;
  normalized: string;
}

function loadGolden(name: string): GoldenCase[] {
  return readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as GoldenCase);
}

const NORMALIZE_CASES = loadGolden('normalize.jsonl');
const FRONTEND_CASES = loadGolden('frontend.jsonl');
const ALL_CASES = [...NORMALIZE_CASES, ...FRONTEND_CASES];

function strictFailures(cases: GoldenCase[]) {
  return cases.flatMap(({ id, text, normalized }) => {
    const got = normalizeText(text, { strict: true });
    return got === normalized ? [] : [{ id, input: text, expected: normalized, got }];
  });
}

// Golden cases whose default output differs from strict, and the fix responsible.
const normId = (n: number): string => `norm-${String(n).padStart(4, '0')}`;
const CURRENCY_SINGULAR_IDS = [65, 77, 89, 101, 113, 125, 137];
const CURRENCY_PLURAL_IDS = [...Array.from({ length: 10 }, (_, i) => 91 + i), ...Array.from({ length: 10 }, (_, i) => 115 + i)]; // prettier-ignore
const TOUCHED_BY_FIX: Readonly<Record<string, string>> = {
  'norm-0036': 'large-numbers',
  ...Object.fromEntries(CURRENCY_SINGULAR_IDS.map((n) => [normId(n), 'currency-singular'])),
  ...Object.fromEntries(CURRENCY_PLURAL_IDS.map((n) => [normId(n), 'currency-invariant-plural'])),
  'norm-0144': 'time-keeps-space',
  'norm-0149': 'time-keeps-space',
  'norm-0150': 'time-keeps-space',
  'norm-0151': 'time-seconds',
  'norm-0153': 'time-keeps-space',
  'norm-0258': 'time-seconds',
  'hand-004': 'number-trailing-comma',
  'hand-015': 'number-trailing-comma',
  'hand-046': 'number-trailing-comma',
  'hand-049': 'number-trailing-comma',
  'hand-054': 'number-trailing-comma',
  'computers-1021': 'number-trailing-comma',
  'computers-281': 'number-trailing-comma',
  'computers-19': 'number-trailing-comma',
  'computers-757': 'number-trailing-comma',
  'literature-57': 'number-trailing-comma',
  'computers-375': 'unit-singular',
};

/** One upstream quirk per row: what strict must reproduce and what the default gives instead. */
const FIX_EXAMPLES: readonly { fix: string; input: string; strict: string; fixed: string }[] = [
  { fix: 'time-keeps-space', input: 'Meet at 3:05 p.m. today.', strict: 'meet at three oh fivep.m. today.', fixed: 'meet at three oh five p.m. today.' }, // prettier-ignore
  { fix: 'time-keeps-space', input: 'Restart at 0:00 daily.', strict: 'restart at zero hundreddaily.', fixed: 'restart at zero hundred daily.' }, // prettier-ignore
  { fix: 'time-seconds', input: 'Run 3:05:30 today.', strict: 'run three oh fivetoday.', fixed: 'run three oh five and thirty seconds today.' }, // prettier-ignore
  { fix: 'time-seconds', input: 'Run 7:00:01 today.', strict: 'run seven hundredtoday.', fixed: 'run seven hundred and one second today.' }, // prettier-ignore
  { fix: 'large-numbers', input: 'There were 1000000000000000 of them.', strict: 'there were of them.', fixed: 'there were one quadrillion of them.' }, // prettier-ignore
  { fix: 'large-numbers', input: 'There were 12345678901234567890 of them.', strict: 'there were six hundred seventy-eight trillion nine hundred one billion two hundred thirty-four million five hundred sixty-seven thousand one hundred sixty-eight of them.', fixed: 'there were twelve quintillion three hundred forty-five quadrillion six hundred seventy-eight trillion nine hundred one billion two hundred thirty-four million five hundred sixty-seven thousand eight hundred ninety of them.' }, // prettier-ignore
  { fix: 'currency-singular', input: 'It costs £1.00 today.', strict: 'it costs one pounds today.', fixed: 'it costs one pound today.' }, // prettier-ignore
  { fix: 'currency-singular', input: 'It costs $1.01 now.', strict: 'it costs one dollars and one cent now.', fixed: 'it costs one dollar and one cent now.' }, // prettier-ignore
  { fix: 'currency-invariant-plural', input: 'It costs ¥5 today.', strict: 'it costs five yens today.', fixed: 'it costs five yen today.' }, // prettier-ignore
  { fix: 'currency-invariant-plural', input: 'It costs ₩3B today.', strict: 'it costs three billion wons today.', fixed: 'it costs three billion won today.' }, // prettier-ignore
  { fix: 'number-trailing-comma', input: 'In 1492, Columbus sailed.', strict: 'in one thousand four hundred ninety-two columbus sailed.', fixed: 'in one thousand four hundred ninety-two, columbus sailed.' }, // prettier-ignore
  { fix: 'number-trailing-comma', input: 'Pay $5 (cash) or $10, $20 later.', strict: 'pay five dollars(cash) or ten dollarstwenty dollars later.', fixed: 'pay five dollars (cash) or ten dollars, twenty dollars later.' }, // prettier-ignore
  { fix: 'ordinal-tens', input: 'The 20th and 90th time.', strict: 'the twentyth and ninetyth time.', fixed: 'the twentieth and ninetieth time.' }, // prettier-ignore
  { fix: 'ordinal-tens', input: 'Add 3/20 more.', strict: 'add three twentyths more.', fixed: 'add three twentieths more.' }, // prettier-ignore
  { fix: 'unit-singular', input: 'It is 1km or 1 TB or 1mph.', strict: 'it is one kilometers or one terabytes or one miles per hour.', fixed: 'it is one kilometer or one terabyte or one mile per hour.' }, // prettier-ignore
  { fix: 'decimal-exponent-repr', input: 'tiny 0.00001% and 0.00001ms', strict: 'tiny zero point zero zero zero zero one% and zero point zero zero zero zero onems', fixed: 'tiny zero point zero zero zero zero one percent and zero point zero zero zero zero one milliseconds' }, // prettier-ignore
];

describe('normalizeText strict', () => {
  it('reproduces all 381 upstream cases of normalize.jsonl', () => {
    expect(NORMALIZE_CASES).toHaveLength(381);
    expect(strictFailures(NORMALIZE_CASES)).toEqual([]);
  });

  it('reproduces the normalized field of all 213 frontend.jsonl cases', () => {
    expect(FRONTEND_CASES).toHaveLength(213);
    expect(strictFailures(FRONTEND_CASES)).toEqual([]);
  });
});

describe('normalizeText default (fixes on)', () => {
  it('is the non-strict mode', () => {
    expect(DEFAULT_NORMALIZE_OPTIONS.strict).toBe(false);
    expect(normalizeText('Meet at 3:05 please.')).toBe(
      normalizeText('Meet at 3:05 please.', { strict: false }),
    );
  });

  it('equals strict on every golden case that no fix touches', () => {
    const unexpected = ALL_CASES.flatMap(({ id, text }) => {
      const strict = normalizeText(text, { strict: true });
      const fixed = normalizeText(text);
      const touched = id in TOUCHED_BY_FIX;
      return touched === (strict !== fixed) ? [] : [{ id, input: text, strict, fixed, touched }];
    });
    expect(unexpected).toEqual([]);
    expect(Object.keys(TOUCHED_BY_FIX)).toHaveLength(45);
  });

  it('names only listed fixes for the golden cases it changes', () => {
    const ids = new Set(NORMALIZER_FIXES.map((fix) => fix.id));
    for (const fix of Object.values(TOUCHED_BY_FIX)) expect(ids).toContain(fix);
  });

  it.each(FIX_EXAMPLES)('applies $fix to $input', ({ input, strict, fixed }) => {
    expect(normalizeText(input, { strict: true })).toBe(strict);
    expect(normalizeText(input)).toBe(fixed);
  });

  it('has a test example for every listed fix', () => {
    const tested = new Set(FIX_EXAMPLES.map((row) => row.fix));
    expect(NORMALIZER_FIXES.map((fix) => fix.id).filter((id) => !tested.has(id))).toEqual([]);
  });

  it('lists each fix once, with a description and an example', () => {
    const ids = NORMALIZER_FIXES.map((fix) => fix.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const fix of NORMALIZER_FIXES) {
      expect(fix.id).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
      expect(fix.description.length).toBeGreaterThan(10);
      expect(fix.example).toContain('→');
    }
  });
});

describe('normalizeText lowercasing and whitespace', () => {
  it('lowercases with full Unicode mappings like Python str.lower()', () => {
    expect(normalizeText('ΟΔΟΣ ΣΑΣ İstanbul ǅemal ÅNGSTRÖM', { strict: true })).toBe(
      'οδος σας i̇stanbul ǆemal ångström',
    );
  });

  it('collapses Python whitespace (including \\x1c and \\u3000) and strips the ends', () => {
    expect(normalizeText(' \tTabs\tand  spaces\nand\x1cnew\u3000lines.\u2003')).toBe(
      'tabs and spaces and new lines.',
    );
  });

  it('keeps characters that Python does not count as whitespace, such as U+FEFF', () => {
    expect(normalizeText('a\ufeffb')).toBe('a\ufeffb');
  });

  it('composes to NFC first', () => {
    expect(normalizeText('Cafe\u0301 2', { strict: true })).toBe('café two');
  });
});

const ADVERSARIAL_LENGTH = 100_000;
const repeatTo = (unit: string): string =>
  unit.repeat(Math.ceil(ADVERSARIAL_LENGTH / unit.length)).slice(0, ADVERSARIAL_LENGTH);
const MIXED_TEXT = repeatTo(
  "On 3/4 of 12,345 days at 3:05 pm we paid $4.99 (or €1.2M), 50% of 7B at 2.5GHz, 1e-4, GPT-3, 555-1234 and 192.168.1.1 — don't stop; the 1980s were 1st. ",
);

describe('normalizeText robustness', () => {
  it.each([
    ['empty string', '', ''],
    ['whitespace only', ' \t\n\u00a0\u3000 ', ''],
    ['control characters', '\u0000a\u0007b\u001bc', '\u0000a\u0007b\u001bc'],
    ['a lone high surrogate', 'x\ud800y 5', 'x\ud800y five'],
    ['a lone low surrogate', '\udc00 7', '\udc00 seven'],
    ['text with no letters', '!!! ... ??? 42', '!!! ... ??? forty-two'],
    ['emoji and astral digits', '😀 𝟕 ٣', '😀 seven three'],
  ])('handles %s without throwing', (_name, input, expected) => {
    expect(normalizeText(input, { strict: true })).toBe(expected);
    expect(normalizeText(input)).toBe(expected);
  });

  it('leaves text upstream would raise on as written instead of throwing', () => {
    expect(normalizeText('It costs $, then', { strict: true })).toBe('it costs $, then');
    expect(normalizeText('odd -,% and ,%', { strict: true })).toBe('odd -,% and ,%');
    expect(normalizeText('host ١٩٢.١٦٨.١.١ now')).toBe(
      'host one hundred ninety-two point one six eight.one point one now',
    );
    const longOrdinal = `${'1'.repeat(4301)}th`;
    expect(normalizeText(longOrdinal, { strict: true })).toBe(longOrdinal);
  });

  it('never throws and always returns collapsed, stripped text for arbitrary strings', () => {
    const token = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 8 }),
      fc.constantFrom('$', '€', '1', '42', '3.5', ',', '.', ':', '/', '-', '%', '@', '<', '>', ' ', "'", 'K', 'e', 'km', 'th', 'pm', '\ud800'), // prettier-ignore
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 24 }), fc.boolean(), (tokens, strict) => {
        const out = normalizeText(tokens.join(''), { strict });
        expect(typeof out).toBe('string');
        expect(out).not.toMatch(/^\s|\s$| {2}/);
      }),
      { numRuns: 400, seed: 20260101 },
    );
  });

  it('normalizes 100,000 characters of mixed text in under a second', () => {
    for (const strict of [true, false]) {
      const started = performance.now();
      const out = normalizeText(MIXED_TEXT, { strict });
      expect(performance.now() - started).toBeLessThan(1000);
      expect(out).toContain('three quarters');
    }
  });

  it.each([
    ['one digit run', '1'.repeat(ADVERSARIAL_LENGTH)],
    ['a letter-prefixed digit run', `x${'7'.repeat(ADVERSARIAL_LENGTH)}x`],
    ['a long fraction', `1.${'2'.repeat(ADVERSARIAL_LENGTH)}`],
    ['digits and dots', repeatTo('1.')],
    ['digits and commas', repeatTo('1,')],
    ['opening angle brackets', '<'.repeat(ADVERSARIAL_LENGTH)],
    ['an e-mail local part of dots', `${repeatTo('a.')}@x`],
    ['spaces after a time', `1:11${' '.repeat(ADVERSARIAL_LENGTH)}.`],
    ['apostrophes', repeatTo("a'")],
    ['hyphenated digits', repeatTo('1-')],
    ['scientific-looking runs', repeatTo('1.1e1')],
  ])('stays fast on adversarial input: %s', (_name, input) => {
    const started = performance.now();
    normalizeText(input, { strict: true });
    normalizeText(input);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('is pure: same output on repeated and interleaved calls, options untouched', () => {
    const options = Object.freeze({ strict: true });
    const first = normalizeText('Meet at 3:05 please, $1.01.', options);
    normalizeText(MIXED_TEXT.slice(0, 5000));
    expect(normalizeText('Meet at 3:05 please, $1.01.', options)).toBe(first);
    expect(options).toEqual({ strict: true });
  });
});
