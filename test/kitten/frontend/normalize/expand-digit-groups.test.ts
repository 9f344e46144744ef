// Phone numbers, IP addresses, ranges, model names, leading decimals and plain numbers.
import { describe } from 'vitest';
import { itNormalizes } from './normalize-cases.js';

describe('expandPhoneNumbers', () => {
  itNormalizes([
    ['Call 555-1234 now.', 'call five five five one two three four now.'],
    ['Call 555-123-4567 now.', 'call five five five one two three four five six seven now.'],
    ['Call 1-800-555-0199 now.', 'call one eight zero zero five five five zero one nine nine now.'],
    ['Call 12-555-123-4567 now.', 'call one two five five five one two three four five six seven now.'], // prettier-ignore
    ['Odd 555-12345 and 1234-5678.', 'odd five hundred fifty-five to twelve thousand three hundred forty-five and one thousand two hundred thirty-four to five thousand six hundred seventy-eight.'], // prettier-ignore
  ]);
});

describe('expandIpAddresses', () => {
  itNormalizes([
    ['Host 192.168.1.1 and 10.0.0.255 and 1.2.3 and 256.1.1.1.', 'host one nine two dot one six eight dot one dot one and one zero dot zero dot zero dot two five five and one point two.three and two five six dot one dot one dot one.'], // prettier-ignore
  ]);
});

describe('expandRanges', () => {
  itNormalizes([
    ['Pages 10-20 and 3-5 and 1990-1995.', 'pages ten to twenty and three to five and one thousand nine hundred ninety to one thousand nine hundred ninety-five.'], // prettier-ignore
    ['Odd a10-20 and 10-20b and 5--6.', 'odd a1zero twenty and tennegative twentyb and five-negative six.'], // prettier-ignore
  ]);
});

describe('expandModelNames', () => {
  itNormalizes([
    ['GPT-3 gpt-3.5 GPL-3 Python-3.10 CUDA-11 Llama-2-7B v2.0 IPv6', 'gpt three gpt three point five gpl three python three point one zero cuda eleven llama two-seven billion v2.zero ipv6'], // prettier-ignore
  ]);
});

describe('replaceNumbers', () => {
  itNormalizes([
    ['Add .5 cup and -.25 cup.', 'add zero point five cup and negative zero point two five cup.'],
    ['The 2,500 votes.', 'the two thousand five hundred votes.'],
    ['-7 degrees and -0 too.', 'negative seven degrees and zero too.'],
    ['1,2,3 go.', 'one hundred twenty-three go.'],
    ['0.50 and 1.007 and 3.14159.', 'zero point five zero and one point zero zero seven and three point one four one five nine.'], // prettier-ignore
    ['Room AA123 and B7.', 'room aa1twenty-three and b7.'],
    ['Digits ٣٤ and 𝟕.', 'digits thirty-four and seven.'],
    ['In 1492, Columbus sailed.', 'in one thousand four hundred ninety-two columbus sailed.', 'in one thousand four hundred ninety-two, columbus sailed.'], // prettier-ignore
    ['I have 3, maybe 4.', 'i have three maybe four.', 'i have three, maybe four.'],
    ['There were 1000000000000000 of them.', 'there were of them.', 'there were one quadrillion of them.'], // prettier-ignore
    [`Big ${'9'.repeat(400)} stays.`, `big ${'9'.repeat(400)} stays.`, `big ${Array(400).fill('nine').join(' ')} stays.`], // prettier-ignore
  ]);
});
