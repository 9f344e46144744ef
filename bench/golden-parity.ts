// How close is our front-end to upstream? Pipes test/fixtures/frontend.jsonl through the real
// `kittentts frontend --strict` command and compares every chunk with the golden vectors.
// Run: npx tsx bench/golden-parity.ts [--backend auto|native|wasm]
//   → "chunks identical: x/y, input_ids identical: clean a/b, raw c/d" (+ the differing chunks)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface Chunk {
  text: string;
  style_row: number;
  phonemes: string;
  input_ids: number[];
}
interface Row {
  id: string;
  text: string;
  normalized: string;
  clean: Chunk[];
  raw: Chunk[];
}

const FIXTURE = path.resolve('test/fixtures/frontend.jsonl');

function runFrontendCommand(input: string, extraArgs: string[]): Promise<string> {
  const tsx = path.resolve('node_modules/.bin/tsx');
  const child = spawn(
    tsx,
    [path.resolve('src/cli/index.ts'), 'frontend', '--strict', ...extraArgs],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stdin.end(input);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`frontend exited with ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  const golden = readFileSync(FIXTURE, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Row);
  const input = golden.map((g) => JSON.stringify({ id: g.id, text: g.text })).join('\n');
  const output = (await runFrontendCommand(input, process.argv.slice(2)))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Row);
  const byId = new Map(output.map((r) => [r.id, r]));

  let chunksTotal = 0;
  let chunksSame = 0;
  const ids = { clean: { same: 0, total: 0 }, raw: { same: 0, total: 0 } };
  const differences: string[] = [];
  for (const want of golden) {
    const got = byId.get(want.id);
    for (const mode of ['clean', 'raw'] as const) {
      want[mode].forEach((w, i) => {
        const g = got?.[mode][i];
        chunksTotal++;
        ids[mode].total++;
        // A chunk is identical when the text sent to the model and its style row are.
        if (g !== undefined && g.text === w.text && g.style_row === w.style_row) chunksSame++;
        else
          differences.push(
            `${want.id} ${mode} chunk ${i}: text ${JSON.stringify(g?.text)} ≠ ${JSON.stringify(w.text)}`,
          );
        if (g !== undefined && JSON.stringify(g.input_ids) === JSON.stringify(w.input_ids))
          ids[mode].same++;
        else if (g !== undefined) {
          differences.push(
            `${want.id} ${mode} ${JSON.stringify(w.text)}: ${JSON.stringify(g.phonemes)} ≠ ${JSON.stringify(w.phonemes)}`,
          );
        }
      });
      if (got !== undefined && got[mode].length !== want[mode].length) {
        differences.push(`${want.id} ${mode}: ${got[mode].length} chunks ≠ ${want[mode].length}`);
      }
    }
  }
  for (const d of differences) console.log(d);
  console.log(
    `chunks identical: ${chunksSame}/${chunksTotal}, input_ids identical: clean ${ids.clean.same}/${ids.clean.total}, raw ${ids.raw.same}/${ids.raw.total}`,
  );
}

await main();
