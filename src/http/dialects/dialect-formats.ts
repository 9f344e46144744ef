// The output formats each dialect names, as one pure table onto ours: a format and the rate the
// client wants (`pcm_16000`, `ulaw_8000`, `mp3_44100_128` for ElevenLabs; Cartesia's
// `{container, encoding, sample_rate}`), and the one place a door gets its stream encoder from.
import {
  createStreamEncoder,
  sampleRateProblem,
  type AudioFormat,
  type StreamEncoder,
} from '../../audio/index.js';
import { SAMPLE_RATE_HZ } from '../../engine/protocol.js';

/** What a client asked for: our encoding, the rate it plays at, and an mp3 bitrate if named. */
export interface DialectTarget {
  readonly format: Extract<AudioFormat, 'pcm' | 'pcm_f32le' | 'mulaw' | 'alaw' | 'mp3' | 'wav'>;
  readonly outputSampleRateHz: number;
  readonly bitrateKbps?: number;
}

const PCM_RATES = [8000, 16000, 22050, 24000, 44100, 48000];
const MP3_RATES = [22050, 24000, 44100];
const MP3_BITRATES = [32, 64, 96, 128, 192];

/** ElevenLabs' `output_format` (their default is mp3_44100_128), or undefined if unknown. */
export function elevenLabsTarget(name: string | undefined): DialectTarget | undefined {
  const m = /^(pcm|ulaw|alaw|mp3)_(\d+)(?:_(\d+))?$/.exec(name ?? 'mp3_44100_128');
  if (!m) return undefined;
  const [, kind, rateText, bitrateText] = m;
  const rate = Number(rateText);
  if (kind === 'mp3') {
    const bitrateKbps = Number(bitrateText);
    if (!MP3_RATES.includes(rate) || !MP3_BITRATES.includes(bitrateKbps)) return undefined;
    return { format: 'mp3', outputSampleRateHz: rate, bitrateKbps };
  }
  if (bitrateText !== undefined) return undefined;
  if (kind === 'pcm')
    return PCM_RATES.includes(rate) ? { format: 'pcm', outputSampleRateHz: rate } : undefined;
  if (rate !== 8000) return undefined;
  return { format: kind === 'ulaw' ? 'mulaw' : 'alaw', outputSampleRateHz: rate };
}

const CARTESIA_ENCODINGS: Readonly<Record<string, DialectTarget['format']>> = {
  pcm_s16le: 'pcm',
  pcm_f32le: 'pcm_f32le',
  pcm_mulaw: 'mulaw',
  pcm_alaw: 'alaw',
};

/** Cartesia's `output_format`; `raw` everywhere, `wav`/`mp3` containers on /tts/bytes only. */
export function cartesiaTarget(value: unknown, { files = false } = {}): DialectTarget | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const o = value as {
    container?: unknown;
    encoding?: unknown;
    sample_rate?: unknown;
    bit_rate?: unknown;
  };
  const rate = o.sample_rate;
  if (typeof rate !== 'number' || !PCM_RATES.includes(rate)) return undefined;
  if (files && o.container === 'mp3') {
    const bitrateKbps = typeof o.bit_rate === 'number' ? Math.round(o.bit_rate / 1000) : 128;
    if (!MP3_RATES.includes(rate) || !MP3_BITRATES.includes(bitrateKbps)) return undefined;
    return { format: 'mp3', outputSampleRateHz: rate, bitrateKbps };
  }
  const format = typeof o.encoding === 'string' ? CARTESIA_ENCODINGS[o.encoding] : undefined;
  if (format === undefined) return undefined;
  if ((format === 'mulaw' || format === 'alaw') && rate !== 8000) return undefined;
  if (o.container === 'raw') return { format, outputSampleRateHz: rate };
  if (files && o.container === 'wav' && format === 'pcm')
    return { format: 'wav', outputSampleRateHz: rate };
  return undefined;
}

/** A target our encoders can produce (every entry of the table today; the check guards the future). */
export function isEncodable(target: DialectTarget): boolean {
  return sampleRateProblem(target.format, target.outputSampleRateHz) === undefined;
}

/** The stream encoder for a target: resampling state carried across writes (one per context). */
export function dialectEncoder(target: DialectTarget): StreamEncoder {
  const { format, outputSampleRateHz, bitrateKbps } = target;
  if (!isEncodable(target))
    throw new RangeError(`output format ${describeTarget(target)} is not available`);
  // Our mp3 encoder tops out at 160 kbit/s; ElevenLabs' 192 is answered at that.
  const bitrate = bitrateKbps === undefined ? {} : { bitrateKbps: Math.min(160, bitrateKbps) };
  return createStreamEncoder(format, {
    sampleRateHz: SAMPLE_RATE_HZ,
    outputSampleRateHz,
    ...bitrate,
  });
}

export function describeTarget(target: DialectTarget): string {
  return `${target.format} at ${target.outputSampleRateHz} Hz`;
}
