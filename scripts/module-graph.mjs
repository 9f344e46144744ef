// npm run graph: draws the module graph from the imports (Mermaid, which GitHub renders): by folder
// — the layers at a glance — into docs/architecture.md between its graph markers, and module by
// module into docs/module-graph.md. The rules it is drawn under are .dependency-cruiser.cjs, the
// same ones `npm test` checks.
import { readFileSync, writeFileSync } from 'node:fs';
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
const fence = (text) => ['```mermaid', text.trim(), '```'].join('\n');
const byFolder = await draw({ collapse: '^(src/[^/]+|workers)/' });
const byModule = await draw({});

const ARCHITECTURE = 'docs/architecture.md';
const [START, END] = ['<!-- graph:start -->', '<!-- graph:end -->'];
const page = readFileSync(ARCHITECTURE, 'utf8');
const [before, rest] = page.split(START);
if (rest === undefined || !rest.includes(END))
  throw new Error(`${ARCHITECTURE}: graph markers missing`);
writeFileSync(
  ARCHITECTURE,
  [before, START, '\n', fence(byFolder), '\n', END, rest.split(END)[1]].join(''),
);

writeFileSync(
  'docs/module-graph.md',
  [
    '# Module graph',
    '',
    'Drawn by `npm run graph` from the imports (`.dependency-cruiser.cjs` holds the rules `npm test` checks).',
    'Arrows point from importer to imported: http → session → engine → kitten. The folders alone are',
    'drawn in [architecture.md](architecture.md).',
    '',
    fence(byModule),
    '',
  ].join('\n'),
);
console.log(`wrote ${ARCHITECTURE} (by folder) and docs/module-graph.md (by module)`);
