import { describe, expect, it } from 'vitest';
import { SETTING_NAMES } from '../../src/config.js';
import { proseLines } from './markdown.js';

/** The variable names of docs/settings.md's settings table, one per row (a row may name two). */
function documentedSettings(): string[] {
  return proseLines('docs/settings.md')
    .filter((line) => line.startsWith('| `'))
    .map((line) => line.split('|')[1]!)
    .filter((cell) => /^ `[A-Z][A-Z0-9_]+`/.test(cell))
    .flatMap((cell) => [...cell.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!));
}

describe('the settings table', () => {
  it('documents every setting config.ts reads exactly once', () => {
    const documented = documentedSettings();
    for (const name of SETTING_NAMES) {
      expect(
        documented.filter((d) => d === name),
        name,
      ).toHaveLength(1);
    }
  });

  it('documents no setting that config.ts does not read', () => {
    expect(documentedSettings().filter((d) => !SETTING_NAMES.includes(d))).toEqual([]);
  });
});
