import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchorsOf, localLinks, markdownPages, ROOT } from './markdown.js';

/** Every link of a page that does not resolve: a missing file, or a missing heading anchor. */
function brokenLinks(page: string): string[] {
  const broken: string[] = [];
  for (const link of localLinks(page)) {
    const [file, anchor] = link.split('#') as [string, string | undefined];
    const target = file ? path.posix.join(path.posix.dirname(page), file) : page;
    if (!existsSync(path.join(ROOT, target))) broken.push(`${link} (no file ${target})`);
    else if (anchor && target.endsWith('.md') && !anchorsOf(target).has(anchor)) {
      broken.push(`${link} (no heading #${anchor} in ${target})`);
    }
  }
  return broken;
}

describe('the documentation', () => {
  it('finds README, bench/README and the docs pages', () => {
    const pages = markdownPages();
    expect(pages).toContain('README.md');
    expect(pages).toContain('docs/api.md');
    expect(pages.length).toBeGreaterThan(5);
  });

  it.each(markdownPages())('resolves every relative link and anchor of %s', (page) => {
    expect(brokenLinks(page)).toEqual([]);
  });

  it('links every docs page from the README', () => {
    const linked = new Set(localLinks('README.md').map((l) => l.split('#')[0]));
    const pages = markdownPages().filter(
      (p) => p.startsWith('docs/') && p !== 'docs/module-graph.md',
    );
    expect(pages.filter((p) => !linked.has(p))).toEqual([]);
  });

  it('keeps the README short enough to read in five minutes', () => {
    const lines = readFileSync(path.join(ROOT, 'README.md'), 'utf8').trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(250);
  });
});
