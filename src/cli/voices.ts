// `kittentts voices [--json]`: the eight voices, by the display name the API and `say --voice` accept
// and by the expr-voice-* key the model files use.
import { VOICES } from '../kitten/voices.js';
import type { CliIo } from './command.js';
import { parseFlags } from './flags.js';
import { formatTable } from './table.js';

export const help = `Usage: kittentts voices [--json]

Lists the eight KittenTTS voices. Either the NAME or the KEY works as --voice (say) or "voice" (API).

Options:
  --json   print a JSON array instead of a table`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseFlags(argv, io, 'voices', { options: { json: { type: 'boolean' } } });
  if (typeof parsed === 'number') return parsed;
  if (parsed.values.json === true) {
    io.stdout.write(`${JSON.stringify(VOICES, null, 2)}\n`);
    return 0;
  }
  const rows = VOICES.map((v) => [v.name, v.gender, v.key, v.description]);
  io.stdout.write(formatTable(['NAME', 'GENDER', 'KEY', 'DESCRIPTION'], rows));
  return 0;
}
