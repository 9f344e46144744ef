// Python-compatibility helpers: regex classes, strip, int/float parsing and float repr.
import { describe, expect, it } from 'vitest';
import {
  PyValueError,
  asciiDigits,
  ignoreCase,
  pyFloat,
  pyFloatRepr,
  pyInt,
  pyIntOfFloat,
  pyRe,
  pyStrip,
  pySub,
  trailingCommas,
} from '../../../../src/kitten/frontend/normalize/py-compat.js';

describe('pyRe', () => {
  it('gives \\w, \\d and \\b their Unicode (Python) meaning', () => {
    expect('café ٣ x_1'.match(pyRe(String.raw`\w+`))).toEqual(['café', '٣', 'x_1']);
    expect('a ٣ 𝟕 b'.match(pyRe(String.raw`\d`))).toEqual(['٣', '𝟕']);
    expect('éa b'.replace(pyRe(String.raw`\ba`), 'X')).toBe('éa b');
  });

  it('gives \\s the str.isspace() set: \\x1c and \\x85 yes, U+FEFF no', () => {
    const spaces = pyRe(String.raw`\s`);
    expect('a\x1cb\x85c\ufeffd'.replace(spaces, '_')).toBe('a_b_c\ufeffd');
    expect('a\u3000b'.replace(pyRe(String.raw`[\s]`), '_')).toBe('a_b');
    expect('a b\tc'.match(pyRe(String.raw`\S+`))).toEqual(['a', 'b', 'c']);
  });

  it('refuses escapes it cannot translate', () => {
    expect(() => pyRe(String.raw`\W`)).toThrow(/unsupported/);
  });
});

describe('ignoreCase', () => {
  it('matches the extra partners Python IGNORECASE accepts', () => {
    const re = new RegExp(`^${ignoreCase('ksiµ')}$`, 'u');
    expect(re.test('KSIµ')).toBe(true);
    expect(re.test('\u212a\u017f\u0130\u039c')).toBe(true);
    expect(re.test('\u212a\u017f\u0131\u03bc')).toBe(true);
    expect(re.test('kso µ')).toBe(false);
  });
});

describe('pyStrip', () => {
  it('strips Python whitespace only', () => {
    expect(pyStrip('\x1c\u2003 a b \x85')).toBe('a b');
    expect(pyStrip('\ufeffa\ufeff')).toBe('\ufeffa\ufeff');
    expect(pyStrip('   ')).toBe('');
  });
});

describe('pyInt and pyFloat', () => {
  it('read any Unicode decimal digits', () => {
    expect(asciiDigits('٣٤ 𝟕 ०')).toBe('34 7 0');
    expect(pyInt('-٤٢')).toBe(-42n);
    expect(pyFloat('٣.٥')).toBe(3.5);
  });

  it('raise PyValueError where Python raises ValueError', () => {
    expect(() => pyInt('')).toThrow(PyValueError);
    expect(() => pyInt('-')).toThrow(PyValueError);
    expect(() => pyInt('1'.repeat(4301))).toThrow(PyValueError);
    expect(pyInt('1'.repeat(4300))).toBe(BigInt('1'.repeat(4300)));
    expect(() => pyFloat('')).toThrow(PyValueError);
    expect(() => pyIntOfFloat(pyFloat('9'.repeat(400)))).toThrow(PyValueError);
  });

  it('truncate floats to their exact integer value, as int(float(x)) does', () => {
    expect(pyIntOfFloat(pyFloat('12345678901234567890'))).toBe(12345678901234567168n);
    expect(pyIntOfFloat(-0)).toBe(0n);
  });
});

describe('pyFloatRepr', () => {
  it.each([
    [12.5, '12.5'],
    [1, '1.0'],
    [-0, '-0.0'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1e16, '1e+16'],
    [9999999999999998, '9999999999999998.0'],
    [1.2345678901234568e17, '1.2345678901234568e+17'],
    [0.1 + 0.2, '0.30000000000000004'],
    [Infinity, 'inf'],
  ])('writes %d as Python does (%s)', (value, repr) => {
    expect(pyFloatRepr(value)).toBe(repr);
  });
});

describe('pySub', () => {
  it('leaves a match as written when the replacement raises PyValueError', () => {
    const replaced = pySub('1 x 3', pyRe(String.raw`\w`), (m) => {
      if (m === 'x') throw new PyValueError('no');
      return `<${m}>`;
    });
    expect(replaced).toBe('<1> x <3>');
  });

  it('lets any other error through', () => {
    expect(() =>
      pySub('a', /a/g, () => {
        throw new TypeError('bug');
      }),
    ).toThrow(TypeError);
  });
});

describe('trailingCommas', () => {
  it('returns the commas a number match ends with', () => {
    expect(trailingCommas('1,000,')).toBe(',');
    expect(trailingCommas('1,000')).toBe('');
  });
});
