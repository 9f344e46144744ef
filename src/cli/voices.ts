// `kittentts voices [--json]`: the eight voices, by the display name the API and `say --voice` accept
// and by the expr-voice-* key the model files use.
import { parseArgs } from 'node:util';
import type { CliIo } from './index.js';
import { VOICES } from '../kitten/voices.js';
import { formatTable } from './models.js';
import { fail } from './serve.js';

export const help = `Usage: kittentts voices [--json]

Lists the eight KittenTTS voices. Either the NAME or the KEY works as --voice (say) or "voice" (API).

Options:
  --json   print a JSON array instead of a table`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  let json: boolean;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { json: { type: 'boolean' } },
      strict: true,
    });
    json = values.json === true;
  } catch (err) {
    return fail(io, 'voices', (err as Error).message, 2);
  }
  if (json) {
    io.stdout.write(`${JSON.stringify(VOICES, null, 2)}\n`);
    return 0;
  }
  const rows = VOICES.map((v) => [v.name, v.gender, v.key, v.description]);
  io.stdout.write(formatTable(['NAME', 'GENDER', 'KEY', 'DESCRIPTION'], rows));
  return 0;
}
