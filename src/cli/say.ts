// `kittentts say "<text>" [-o out.wav]`: one-shot synthesis through the library API (the same
// worker-thread engine as the server) into a file, or onto stdout for pipes (`| ffplay -`).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  AUDIO_FORMATS,
  encodeAudio,
  isAudioFormat,
  type AudioFormat,
} from '../audio/stream-encoder.js';
import { DEFAULT_MODEL_ID } from '../kitten/hub/model-registry.js';
import { VOICES, VOICE_KEYS, isKnownVoice } from '../kitten/voices.js';
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
};

export const help = `Usage: kittentts say [<text>…] [-o FILE] [options]

Synthesizes text to an audio file. Without <text> (or with "-") the text is read from stdin.
Without -o (or with -o -) the audio goes to stdout, e.g. \`kittentts say Hello | ffplay -\`.

Options:
  -o, --output FILE      output file, or - for stdout (default stdout)
  --format FMT           ${AUDIO_FORMATS.join(', ')} (default: from the file extension, else wav);
                         pcm is raw 16-bit little-endian mono at 24 kHz
  --model ID             gateway id, hub repo or local folder (default ${DEFAULT_MODEL_ID})
  --voice NAME           ${VOICES.map((v) => v.name).join(', ')} or an expr-voice-* key (default Leo)
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

export async function run(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseFlags(argv, io, 'say', {
    options: {
      ...settingOptions([
        'cache-dir',
        'model-dirs',
        'hf-endpoint',
        'offline',
        'threads-per-worker',
      ]),
      output: { type: 'string', short: 'o' },
      format: { type: 'string' },
      model: { type: 'string', default: DEFAULT_MODEL_ID },
      voice: { type: 'string', default: DEFAULT_LIBRARY_VOICE },
      speed: { type: 'string', default: '1' },
      'no-normalize': { type: 'boolean' },
      quiet: { type: 'boolean' },
    },
    allowPositionals: true,
  });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const output = values.output ?? '-';
  const toStdout = output === '-';
  const ext = path.extname(output).toLowerCase();
  const format = values.format ?? (toStdout || ext === '' ? 'wav' : EXTENSIONS[ext]);
  if (format === undefined) {
    return fail(
      io,
      'say',
      `cannot tell the audio format from '${ext}'; pass --format (${AUDIO_FORMATS.join(', ')})`,
      2,
    );
  }
  if (!isAudioFormat(format)) {
    return fail(
      io,
      'say',
      `unknown format '${format}'; choose one of ${AUDIO_FORMATS.join(', ')}`,
      2,
    );
  }
  const speed = Number(values.speed);
  if (!Number.isFinite(speed) || speed < SPEED_MIN || speed > SPEED_MAX) {
    return fail(io, 'say', `--speed must be a number between ${SPEED_MIN} and ${SPEED_MAX}`, 2);
  }
  if (!isKnownVoice(values.voice)) {
    const choices = [...VOICES.map((v) => v.name), ...VOICE_KEYS].join(', ');
    return fail(io, 'say', `unknown voice '${values.voice}'; choose one of ${choices}`, 2);
  }
  if (toStdout && (io.stdout as { isTTY?: boolean }).isTTY) {
    return fail(
      io,
      'say',
      'refusing to write audio to a terminal; pass -o FILE or pipe the output',
      2,
    );
  }
  let config;
  try {
    config = configFromFlags(values, io.env);
  } catch (err) {
    return fail(io, 'say', (err as Error).message, 2);
  }
  const fromStdin =
    positionals.length === 0 || (positionals.length === 1 && positionals[0] === '-');
  const text = (fromStdin ? await readAll(io.stdin) : positionals.join(' ')).trim();
  if (text === '') return fail(io, 'say', 'no text to say', 2);

  const quiet = values.quiet === true;
  const progress = quiet ? undefined : createProgressRenderer(io.stderr);
  // A KITTENTTS_MODEL_DIRS id is served from its folder, as the gateway does.
  const modelDir = Object.hasOwn(config.modelDirs, values.model)
    ? config.modelDirs[values.model]
    : undefined;
  let tts: KittenTTS | undefined;
  try {
    const startMs = performance.now();
    tts = await KittenTTS.load(modelDir ?? values.model, {
      cacheDir: config.cacheDir,
      hfEndpoint: config.hfEndpoint,
      hfToken: config.hfToken,
      offline: config.hfOffline,
      workers: 1,
      threadsPerWorker: config.threadsPerWorker,
      onProgress: progress?.update,
    });
    progress?.finish();
    const samples = await tts.generate(text, {
      voice: values.voice,
      speed,
      normalize: values['no-normalize'] !== true,
    });
    const bytes = encodeAudio(format, samples, tts.sampleRateHz);
    if (toStdout) await writeOut(io.stdout, bytes);
    else await writeFile(output, bytes);
    if (!quiet) {
      const audioS = samples.length / tts.sampleRateHz;
      const tookS = (performance.now() - startMs) / 1000;
      const where = toStdout ? 'stdout' : output;
      io.stderr.write(
        `wrote ${audioS.toFixed(2)} s of ${format} audio to ${where} in ${tookS.toFixed(2)} s\n`,
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
