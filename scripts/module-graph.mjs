// npm run graph: draws the module graph into docs/module-graph.md (Mermaid, which GitHub renders),
// once by folder — the layers at a glance — and once module by module. The rules it is drawn
// under are .dependency-cruiser.cjs, the same ones `npm test` checks.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cruise } from 'dependency-cruiser';

const config = createRequire(import.meta.url)('../.dependency-cruiser.cjs');
const draw = async (extra) => {
  const result = await cruise(['src', 'workers'], {
    ...config.options,
    includeOnly: '^(src|workers)/',
    outputType: 'mermaid',
    ...extra,
  });
  return result.output;
};
const byFolder = await draw({ collapse: '^(src/[^/]+|workers)/' });
const byModule = await draw({});
const fence = (text) => ['```mermaid', text.trim(), '```'].join('\n');
mkdirSync('docs', { recursive: true });
writeFileSync(
  'docs/module-graph.md',
  [
    '# Module graph',
    '',
    'Drawn by `npm run graph` from the imports (`.dependency-cruiser.cjs` holds the rules `npm test` checks).',
    'Arrows point from importer to imported: http → session → engine → kitten.',
    '',
    '## By folder',
    '',
    fence(byFolder),
    '',
    '## By module',
    '',
    fence(byModule),
    '',
  ].join('\n'),
);
console.log('wrote docs/module-graph.md');
