// HTML, URL and e-mail removal and contraction expansion.
import { describe, expect, it } from 'vitest';
import {
  expandContractions,
  removeEmails,
  removeHtmlTags,
  removeUrls,
} from '../../../../src/kitten/frontend/normalize/strip-markup.js';
import { itNormalizes } from './normalize-cases.js';

describe('removeHtmlTags', () => {
  itNormalizes([
    ['<b>Bold</b> and <a href="x">link</a> here.', 'bold and link here.'],
    ['1 < 2 > 0 and <> here.', 'one zero and <> here.'],
  ]);

  it('replaces each tag by a space, the leftmost "<" taking everything to the next ">"', () => {
    expect(removeHtmlTags('a<b<c>d<>e<f')).toBe('a d<>e<f');
  });
});

describe('removeUrls', () => {
  itNormalizes([['See https://example.com/a?b=1 or www.example.org/x then.', 'see or then.']]);

  it('removes up to the next Python whitespace and strips the result', () => {
    expect(removeUrls(' http://a.b\u3000c ')).toBe('c');
  });
});

describe('removeEmails', () => {
  itNormalizes([
    ['Mail john.doe+tag@example.co.uk or a@b.c or x@y.İo now.', 'mail .uk or a@b.c or now.'],
  ]);

  it('starts the address at the first word boundary of its local part', () => {
    expect(removeEmails('x ..a.b@c.de y')).toBe('x .. y');
    expect(removeEmails('a@b@c.com')).toBe('a@');
  });
});

describe('expandContractions', () => {
  itNormalizes([
    ["Can't won't SHAN'T ain't Let's go.", 'cannot will not shall not is not let us go.'],
    ["don't they're we've you'll he'd I'm it's IT'S", 'do not they are we have you will he would i am it is it is'], // prettier-ignore
    ['Curly don’t stays.', 'curly don’t stays.'],
  ]);

  it('keeps the stem as written and matches like Python IGNORECASE (ı, ſ)', () => {
    expect(expandContractions("They'RE here, ıt's LET'ſ")).toBe('They are here, it is let us');
  });
});
