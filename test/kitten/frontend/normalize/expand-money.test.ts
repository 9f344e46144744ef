// Currency and percent families of the normalizer.
import { describe, expect, it } from 'vitest';
import {
  expandCurrency,
  expandPercentages,
} from '../../../../src/kitten/frontend/normalize/expand-money.js';
import { itNormalizes } from './normalize-cases.js';

describe('expandCurrency', () => {
  itNormalizes([
    ['It costs $5.', 'it costs five dollars.'],
    ['It costs $1.', 'it costs one dollar.'],
    ['It costs $1,234.567 today.', 'it costs one thousand two hundred thirty-four dollars and fifty-six cents today.'], // prettier-ignore
    ['It costs $0.01 today.', 'it costs zero dollars and one cent today.'],
    ['It costs € 12 today.', 'it costs twelve euros today.'],
    ['It costs $5 K today.', 'it costs five thousand dollars today.'],
    ['It costs $3.5B today.', 'it costs three point five billion dollars today.'],
    ['It costs $7x today.', 'it costs $sevenx today.'],
    ['It costs ₿0.5 today.', 'it costs zero bitcoins and fifty cents today.'],
    ['Pay $5 (cash) or $10, $20 later.', 'pay five dollars(cash) or ten dollarstwenty dollars later.', 'pay five dollars (cash) or ten dollars, twenty dollars later.'], // prettier-ignore
    ['It costs £1.00 today.', 'it costs one pounds today.', 'it costs one pound today.'],
    ['It costs ¥5 today.', 'it costs five yens today.', 'it costs five yen today.'],
    ['It costs ₩1.01 today.', 'it costs one wons and one cent today.', 'it costs one won and one cent today.'], // prettier-ignore
  ]);

  it('leaves an amount without digits as written (upstream raises on int(""))', () => {
    expect(expandCurrency('a $, b', true)).toBe('a $, b');
    expect(expandCurrency('a $,K b', false)).toBe('a $,K b');
  });
});

describe('expandPercentages', () => {
  itNormalizes([
    ['100% and 3.5 % and -2% and 1,000%', 'one hundred percent and three point five percent and negative two percent and one thousand percent'], // prettier-ignore
    ['2.50% and 12.25%', 'two point five percent and twelve point two five percent'],
    ['tiny 0.00001% here', 'tiny zero point zero zero zero zero one% here', 'tiny zero point zero zero zero zero one percent here'], // prettier-ignore
    ['odd ,% stays', 'odd ,% stays'],
  ]);

  it('reads decimals through the float repr, dropping trailing zeros', () => {
    expect(expandPercentages('12.50%', true)).toBe('twelve point five percent');
    expect(expandPercentages('-0.0%', true)).toBe('negative zero point zero percent');
  });
});
