// `kittentts frontend [--strict] [--backend auto|native|wasm]`: JSON Lines {"id","text"} on stdin →
// one line per input in the golden-vector schema (id, text, normalized, clean, raw) on stdout.
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { runFrontend, type FrontendChunk } from '../kitten/frontend/frontend.js';
import { normalizeText } from '../kitten/frontend/normalize.js';
import {
  createPhonemizer,
  type Phonemizer,
  type PhonemizerBackend,
} from '../kitten/frontend/phonemize.js';
import type { CliIo } from './command.js';
import { parseFlags } from './flags.js';

export const help = `Usage: kittentts frontend [--strict] [--backend auto|native|wasm] < in.jsonl > out.jsonl

Runs the KittenTTS text front-end on JSON Lines input, one {"id": ..., "text": "..."} object per
line, and writes one JSON line per input, in input order:
  {"id", "text", "normalized", "clean": [chunk...], "raw": [chunk...]}
  chunk = {"text", "style_row", "phonemes", "input_ids"}
"clean" is the front-end with text normalization, "raw" without. Blank lines are skipped; a line
that is not such an object is reported on stderr (the exit code is then 1) and the rest go on.

Options:
  --strict         normalize exactly as upstream KittenTTS does, quirks included
  --backend NAME   espeak-ng: native (system libespeak-ng), wasm (bundled) or auto (default)`;

const BACKENDS: readonly PhonemizerBackend[] = ['auto', 'native', 'wasm'];

interface GoldenChunk {
  text: string;
  style_row: number;
  phonemes: string;
  input_ids: number[];
}

function toGolden(chunks: FrontendChunk[]): GoldenChunk[] {
  return chunks.map((c) => ({
    text: c.text,
    style_row: c.styleRow,
    phonemes: c.phonemes,
    input_ids: c.inputIds,
  }));
}

async function processLine(line: string, phonemizer: Phonemizer, strict: boolean): Promise<string> {
  const input: unknown = JSON.parse(line);
  if (
    typeof input !== 'object' ||
    input === null ||
    typeof (input as { text?: unknown }).text !== 'string'
  ) {
    throw new Error('expected an object with a string "text"');
  }
  const { id = null, text } = input as { id?: unknown; text: string };
  // Lone surrogates become U+FFFD inside runFrontend; do the same for the reported normalization.
  const normalized = normalizeText(text.replace(/\p{Cs}/gu, '\uFFFD'), { strict });
  const clean = await runFrontend(normalized, phonemizer, { normalize: false });
  const raw = await runFrontend(text, phonemizer, { normalize: false });
  return JSON.stringify({ id, text, normalized, clean: toGolden(clean), raw: toGolden(raw) });
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseFlags(argv, io, 'frontend', {
    options: {
      strict: { type: 'boolean', default: false },
      backend: { type: 'string', default: 'auto' },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const backend = values.backend as PhonemizerBackend;
  if (!BACKENDS.includes(backend)) {
    io.stderr.write(
      `kittentts frontend: unknown backend '${values.backend}' (choose ${BACKENDS.join(', ')})\n`,
    );
    return 2;
  }
  const phonemizer = await createPhonemizer({ backend });
  let exitCode = 0;
  let lineNo = 0;
  for await (const line of createInterface({ input: io.stdin, crlfDelay: Infinity })) {
    lineNo++;
    if (line.trim() === '') continue;
    let output: string;
    try {
      output = await processLine(line, phonemizer, values.strict ?? false);
    } catch (err) {
      io.stderr.write(`kittentts frontend: line ${lineNo}: ${(err as Error).message}\n`);
      exitCode = 1;
      continue;
    }
    if (!io.stdout.write(`${output}\n`)) await once(io.stdout, 'drain');
  }
  return exitCode;
}
