// `kittentts say "<text>" [-o out.wav]`: one-shot synthesis through the library API (the same
// worker-thread engine as the server) into a file, or onto stdout for pipes (`| ffplay -`).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import {
  AUDIO_FORMATS,
  defaultSampleRateFor,
  encodeAudio,
  isAudioFormat,
  type AudioFormat,
} from '../audio/stream-encoder.js';
import { DEFAULT_MODEL_ID } from '../kitten/hub/model-registry.js';
import { voiceProblem } from '../kitten/voice-blend.js';
import { VOICES, VOICE_KEYS } from '../kitten/voices.js';
import { DEFAULT_LIBRARY_VOICE, KittenTTS } from '../lib/kitten-tts.js';
import type { CliIo } from './command.js';
import { configFromFlags, fail, parseFlags, settingOptions } from './flags.js';
import { createProgressRenderer } from './progress.js';

// The API's speed range (http/schemas.ts); the CLI may not import http/.
const SPEED_MIN = 0.25;
const SPEED_MAX = 3.0;

const EXTENSIONS: Readonly<Record<string, AudioFormat>> = {
  '.wav': 'wav',
  '.mp3': 'mp3',
  '.ogg': 'opus',
  '.opus': 'opus',
  '.flac': 'flac',
  '.pcm': 'pcm',
  '.raw': 'pcm',
  '.ul': 'mulaw',
  '.al': 'alaw',
};

export const help = `Usage: kittentts say [<text>…] [-o FILE] [options]

Synthesizes text to an audio file. Without <text> (or with "-") the text is read from stdin.
Without -o (or with -o -) the audio goes to stdout, e.g. \`kittentts say Hello | ffplay -\`.

Options:
  -o, --output FILE      output file, or - for stdout (default stdout)
  --format FMT           ${AUDIO_FORMATS.join(', ')} (default: from the file extension, else wav);
                         pcm is raw 16-bit little-endian mono at 24 kHz; mulaw and alaw
                         (.ul, .al) are G.711 at 8 kHz; pcm_f32le is raw float32 at 24 kHz
  --model ID             gateway id, hub repo or local folder (default ${DEFAULT_MODEL_ID})
  --voice NAME           ${VOICES.map((v) => v.name).join(', ')}, an expr-voice-* key,
                         or a blend such as 'Luna(2)+Jasper(1)' (default Leo)
  --speed N              ${SPEED_MIN}–${SPEED_MAX} (default 1)
  --no-normalize         speak numbers, units and symbols as written
  --cache-dir DIR        model cache (KITTENTTS_CACHE_DIR, default ~/.cache/kittentts)
  --model-dirs id=DIR,…  local model folders (KITTENTTS_MODEL_DIRS)
  --hf-endpoint URL      hub URL (HF_ENDPOINT)
  --offline              never download (HF_HUB_OFFLINE=1)
  --threads-per-worker N onnxruntime threads (KITTENTTS_THREADS_PER_WORKER, default 1)
  --quiet                no progress or summary on stderr`;

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of stream)
    parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(parts).toString('utf8');
}

function writeOut(stream: NodeJS.WritableStream, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject); // EPIPE: the reader went away
    stream.write(bytes, (err) => (err ? reject(err) : resolve()));
  });
}

const OPTIONS = {
  ...settingOptions(['cache-dir', 'model-dirs', 'hf-endpoint', 'offline', 'threads-per-worker']),
  output: { type: 'string', short: 'o' },
  format: { type: 'string' },
  model: { type: 'string', default: DEFAULT_MODEL_ID },
  voice: { type: 'string', default: DEFAULT_LIBRARY_VOICE },
  speed: { type: 'string', default: '1' },
  'no-normalize': { type: 'boolean' },
  quiet: { type: 'boolean' },
} satisfies ParseArgsConfig['options'];

export async function run(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseFlags(argv, io, 'say', { options: OPTIONS, allowPositionals: true });
  if (typeof parsed === 'number') return parsed;
  const request = await sayRequest(parsed.values as SayValues, parsed.positionals, io);
  if (typeof request === 'string') return fail(io, 'say', request, 2);
  return speak(request, io);
}

interface SayRequest {
  text: string;
  format: AudioFormat;
  output: string;
  toStdout: boolean;
  model: string;
  voice: string;
  speed: number;
  normalize: boolean;
  quiet: boolean;
  config: ReturnType<typeof configFromFlags>;
}

/** The parsed flags (the setting flags, strings, pass through to configFromFlags). */
interface SayValues {
  [flag: string]: string | boolean | undefined;
  output?: string;
  format?: string;
  model: string;
  voice: string;
  speed: string;
  'no-normalize'?: boolean;
  quiet?: boolean;
}

/** The flags and text checked and resolved, or what is wrong with them (exit code 2). */
async function sayRequest(
  values: SayValues,
  positionals: string[],
  io: CliIo,
): Promise<SayRequest | string> {
  const output = values.output ?? '-';
  const toStdout = output === '-';
  const ext = path.extname(output).toLowerCase();
  const format = values.format ?? (toStdout || ext === '' ? 'wav' : EXTENSIONS[ext]);
  if (format === undefined)
    return `cannot tell the audio format from '${ext}'; pass --format (${AUDIO_FORMATS.join(', ')})`;
  if (!isAudioFormat(format))
    return `unknown format '${format}'; choose one of ${AUDIO_FORMATS.join(', ')}`;
  const speed = Number(values.speed);
  if (!Number.isFinite(speed) || speed < SPEED_MIN || speed > SPEED_MAX)
    return `--speed must be a number between ${SPEED_MIN} and ${SPEED_MAX}`;
  const problem = voiceProblem(values.voice);
  if (problem !== undefined) {
    if (/[+(]/.test(values.voice)) return `--voice '${values.voice.slice(0, 64)}': ${problem}`;
    const choices = [...VOICES.map((v) => v.name), ...VOICE_KEYS].join(', ');
    return `unknown voice '${values.voice}'; choose one of ${choices}`;
  }
  if (toStdout && (io.stdout as { isTTY?: boolean }).isTTY)
    return 'refusing to write audio to a terminal; pass -o FILE or pipe the output';
  let config;
  try {
    config = configFromFlags(values, io.env);
  } catch (err) {
    return (err as Error).message;
  }
  const fromStdin =
    positionals.length === 0 || (positionals.length === 1 && positionals[0] === '-');
  const text = (fromStdin ? await readAll(io.stdin) : positionals.join(' ')).trim();
  if (text === '') return 'no text to say';
  return {
    text,
    format,
    output,
    toStdout,
    model: values.model,
    voice: values.voice,
    speed,
    normalize: values['no-normalize'] !== true,
    quiet: values.quiet === true,
    config,
  };
}

/** Loads the model, synthesizes, writes the file (or stdout); exit code 1 on failure. */
async function speak(req: SayRequest, io: CliIo): Promise<number> {
  const { config } = req;
  const progress = req.quiet ? undefined : createProgressRenderer(io.stderr);
  // A KITTENTTS_MODEL_DIRS id is served from its folder, as the gateway does.
  const modelDir = Object.hasOwn(config.modelDirs, req.model)
    ? config.modelDirs[req.model]
    : undefined;
  let tts: KittenTTS | undefined;
  try {
    const startMs = performance.now();
    tts = await KittenTTS.load(modelDir ?? req.model, {
      cacheDir: config.cacheDir,
      hfEndpoint: config.hfEndpoint,
      hfToken: config.hfToken,
      offline: config.hfOffline,
      workers: 1,
      threadsPerWorker: config.threadsPerWorker,
      onProgress: progress?.update,
    });
    progress?.finish();
    const samples = await tts.generate(req.text, {
      voice: req.voice,
      speed: req.speed,
      normalize: req.normalize,
    });
    const rateHz = defaultSampleRateFor(req.format, tts.sampleRateHz); // G.711: 8 kHz
    const bytes = encodeAudio(req.format, samples, tts.sampleRateHz, rateHz);
    if (req.toStdout) await writeOut(io.stdout, bytes);
    else await writeFile(req.output, bytes);
    if (!req.quiet) {
      const audioS = samples.length / tts.sampleRateHz;
      const tookS = (performance.now() - startMs) / 1000;
      const where = req.toStdout ? 'stdout' : req.output;
      io.stderr.write(
        `wrote ${audioS.toFixed(2)} s of ${req.format} audio to ${where} in ${tookS.toFixed(2)} s\n`,
      );
    }
    return 0;
  } catch (err) {
    progress?.finish();
    return fail(io, 'say', (err as Error).message, 1);
  } finally {
    await tts?.close();
  }
}
