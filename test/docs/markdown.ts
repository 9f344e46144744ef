// Reads the project's Markdown pages for the docs tests: their links and their headings' anchors,
// as GitHub renders them (fenced code is skipped; an anchor is the heading lower-cased, punctuation
// dropped, spaces turned into hyphens, and a repeated one numbered).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** README.md, every page under docs/ and bench/README.md, as paths relative to the root. */
export function markdownPages(): string[] {
  const docs = readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`);
  return ['README.md', 'bench/README.md', ...docs];
}

/** The page's lines outside fenced code blocks. */
export function proseLines(page: string): string[] {
  let fenced = false;
  return readFileSync(path.join(ROOT, page), 'utf8')
    .split('\n')
    .filter((line) => {
      if (/^\s*```/.test(line)) {
        fenced = !fenced;
        return false;
      }
      return !fenced;
    });
}

export function anchorsOf(page: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of proseLines(page)) {
    const heading = /^#{1,6} (.*)$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = heading
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\- _]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Inline links `[label](target)` outside code, with no scheme (relative paths and anchors). */
export function localLinks(page: string): string[] {
  const links: string[] = [];
  for (const line of proseLines(page)) {
    const prose = line.replace(/`[^`]*`/g, '');
    for (const m of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!;
      if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) links.push(target);
    }
  }
  return links;
}
