// Shared table runner for the normalizer family tests: each row is checked in strict mode against
// upstream's output (verified with upstream's Python) and in the default mode, which equals strict
// unless a third column names the fixed output.
import { expect, it } from 'vitest';
import { normalizeText } from '../../../../src/kitten/frontend/normalize.js';

/** [input, upstream (strict) output, default output when a fix changes it]. */
export type NormalizeCase = readonly [input: string, strict: string, fixed?: string];

export function itNormalizes(cases: readonly NormalizeCase[]): void {
  it.each(cases.map(([input, strict, fixed]) => ({ input, strict, fixed: fixed ?? strict })))(
    'normalizes $input',
    ({ input, strict, fixed }) => {
      expect(normalizeText(input, { strict: true })).toBe(strict);
      expect(normalizeText(input)).toBe(fixed);
    },
  );
}
