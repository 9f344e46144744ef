// Every format, one-shot and streamed in uneven pieces, checked by a real decoder (Debian's
// ffprobe/ffmpeg): rate, channels, one stream, length within one codec frame, the samples
// themselves (bit-exact for lossless formats, aligned and correlated for lossy ones).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AudioFormat } from '../../src/audio/stream-encoder.js';
import {
  AUDIO_FORMATS,
  contentTypeFor,
  createStreamEncoder,
  encodeAudio,
  floatToPcm16,
} from '../../src/audio/stream-encoder.js';

const RATE = 24_000;
const hasFfmpeg = ['ffprobe', 'ffmpeg'].every((bin) => spawnSync(bin, ['-version']).status === 0);

/** ~3.2 s of speech-like sound: a gliding harmonic tone under a syllable envelope, plus a little noise. */
function speechLike(seconds: number, seed = 7): Float32Array {
  const out = new Float32Array(Math.round(seconds * RATE));
  let state = seed;
  let phase = 0;
  for (let i = 0; i < out.length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    const t = i / RATE;
    phase += (2 * Math.PI * (140 + 30 * Math.sin(2 * Math.PI * 0.7 * t))) / RATE;
    let v = 0;
    for (let h = 1; h <= 12; h++) v += Math.sin(h * phase) / h;
    const envelope = 0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t);
    out[i] = 0.35 * envelope * v + 0.01 * (state / 2 ** 32 - 0.5);
  }
  return out;
}

const PIECES = [1, 4_800, 2_399, 17, 23_000, 9_999, 777]; // 7 uneven pieces (the last takes the rest)

function streamed(
  format: AudioFormat,
  samples: Float32Array,
): { bytes: Uint8Array; writes: Uint8Array[] } {
  const encoder = createStreamEncoder(format, { sampleRateHz: RATE });
  const writes: Uint8Array[] = [];
  let offset = 0;
  PIECES.forEach((size, i) => {
    const end = i === PIECES.length - 1 ? samples.length : offset + size;
    writes.push(encoder.write(samples.subarray(offset, end)));
    offset = end;
  });
  writes.push(encoder.end());
  return { bytes: Buffer.concat(writes), writes };
}

let dir = '';
function probe(
  bytes: Uint8Array,
  name: string,
): { streams: { codec_name: string; sample_rate: string; channels: number }[] } {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  const run = spawnSync('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', file], {
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

/** ffmpeg's names for the headerless formats, by our test files' extensions. */
const RAW_INPUT: Record<string, string> = {
  '.pcm': 's16le',
  '.ul': 'mulaw',
  '.al': 'alaw',
  '.f32': 'f32le',
};

/** Decodes with ffmpeg to s16le mono at `rateHz`; raw PCM needs its format spelled out. */
function decode(bytes: Uint8Array, name: string, rateHz = RATE): Int16Array {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  const raw = RAW_INPUT[path.extname(name)];
  const input = raw ? ['-f', raw, '-ar', String(RATE), '-ac', '1'] : [];
  const run = spawnSync(
    'ffmpeg',
    ['-v', 'error', ...input, '-i', file, '-f', 's16le', '-ac', '1', '-ar', String(rateHz), '-'],
    {
      maxBuffer: 64 << 20,
    },
  );
  expect(run.status, String(run.stderr)).toBe(0);
  expect(String(run.stderr), 'ffmpeg decoded with errors').toBe('');
  const out = run.stdout as Buffer;
  return new Int16Array(out.buffer, out.byteOffset, out.length / 2);
}

/** Normalised cross-correlation of `decoded` against `source` over lags -maxLag..maxLag. */
function bestLag(
  source: Int16Array,
  decoded: Int16Array,
  maxLag = 60,
): { lag: number; corr: number } {
  let best = { lag: 0, corr: -1 };
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 2_000; i < source.length - 2_000; i++) {
      const x = source[i]!;
      const y = decoded[i + lag] ?? 0;
      sxy += x * y;
      sxx += x * x;
      syy += y * y;
    }
    const corr = sxy / Math.sqrt(sxx * syy || 1);
    if (corr > best.corr) best = { lag, corr };
  }
  return best;
}

interface Expectation {
  extension: string;
  codec: string;
  probedRateHz: number;
  /** One codec frame in 24 kHz samples: the length tolerance. */
  frameSamples: number;
  lossless: boolean;
}

const EXPECT: Record<AudioFormat, Expectation> = {
  wav: {
    extension: 'wav',
    codec: 'pcm_s16le',
    probedRateHz: RATE,
    frameSamples: 1,
    lossless: true,
  },
  pcm: {
    extension: 'pcm',
    codec: 'pcm_s16le',
    probedRateHz: RATE,
    frameSamples: 1,
    lossless: true,
  },
  mp3: { extension: 'mp3', codec: 'mp3', probedRateHz: RATE, frameSamples: 576, lossless: false },
  // Opus always decodes at 48 kHz; OpusHead records the 24 kHz input rate.
  opus: {
    extension: 'opus',
    codec: 'opus',
    probedRateHz: 48_000,
    frameSamples: 480,
    lossless: false,
  },
  flac: { extension: 'flac', codec: 'flac', probedRateHz: RATE, frameSamples: 1, lossless: true },
  // Headerless: ffmpeg reads them as raw input (see RAW_INPUT), so they are not probed.
  mulaw: {
    extension: 'ul',
    codec: 'pcm_mulaw',
    probedRateHz: RATE,
    frameSamples: 1,
    lossless: false,
  },
  alaw: {
    extension: 'al',
    codec: 'pcm_alaw',
    probedRateHz: RATE,
    frameSamples: 1,
    lossless: false,
  },
  pcm_f32le: {
    extension: 'f32',
    codec: 'pcm_f32le',
    probedRateHz: RATE,
    frameSamples: 1,
    lossless: false, // ffmpeg scales float by 32768, we by 32767: off by a fraction of an LSB
  },
};

describe.skipIf(!hasFfmpeg && !process.env.CI)(
  'createStreamEncoder and encodeAudio decoded by ffmpeg',
  () => {
    const source = speechLike(3.2);
    const pcm = floatToPcm16(source);

    beforeAll(() => {
      if (!hasFfmpeg)
        throw new Error(
          'ffprobe/ffmpeg not found: the audio tests need Debian ffmpeg (apt-get install -y ffmpeg)',
        );
      dir = mkdtempSync(path.join(tmpdir(), 'kitten-audio-'));
    });
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    for (const format of AUDIO_FORMATS) {
      const want = EXPECT[format];
      for (const mode of ['one-shot', 'streamed'] as const) {
        it(`decodes ${mode} ${format} to one mono stream of the right length and content`, () => {
          const bytes =
            mode === 'one-shot'
              ? encodeAudio(format, source, RATE)
              : streamed(format, source).bytes;
          const name = `${mode}.${want.extension}`;
          if (!RAW_INPUT[`.${want.extension}`]) {
            const { streams } = probe(bytes, name);
            expect(streams).toHaveLength(1);
            expect(streams[0]).toMatchObject({
              codec_name: want.codec,
              sample_rate: String(want.probedRateHz),
              channels: 1,
            });
          }
          const decoded = decode(bytes, name);
          expect(Math.abs(decoded.length - source.length)).toBeLessThanOrEqual(
            want.frameSamples - 1,
          );
          if (want.lossless) {
            expect(decoded).toEqual(pcm);
          } else {
            const { lag, corr } = bestLag(pcm, decoded);
            expect(lag).toBe(0); // encoder delay and pre-skip are trimmed exactly
            expect(corr).toBeGreaterThan(0.95);
          }
        });
      }
    }

    it('decodes short lossy streams to within one frame of their length', () => {
      for (const format of ['mp3', 'opus'] as const) {
        // Opus decodes at 48 kHz: count there, so resampling cannot round a tiny stream away.
        const scale = EXPECT[format].probedRateHz / RATE;
        for (const length of [1, 600, 1_000, 1_200, 5_000]) {
          const encoder = createStreamEncoder(format, { sampleRateHz: RATE });
          const bytes = Buffer.concat([encoder.write(speechLike(length / RATE)), encoder.end()]);
          const name = `short.${EXPECT[format].extension}`;
          const decoded = decode(bytes, name, EXPECT[format].probedRateHz).length / scale;
          expect(Math.abs(decoded - length), `${format} ${length}`).toBeLessThan(
            EXPECT[format].frameSamples,
          );
        }
      }
    });

    it('decodes an empty streamed wav, ogg and flac as valid empty audio', () => {
      for (const format of ['wav', 'opus', 'flac'] as const) {
        const encoder = createStreamEncoder(format, { sampleRateHz: RATE });
        const bytes = encoder.end();
        expect(decode(bytes, `empty.${EXPECT[format].extension}`)).toHaveLength(0);
      }
    });
  },
);

describe('createStreamEncoder', () => {
  it('labels each format with its content type', () => {
    for (const format of AUDIO_FORMATS) {
      const encoder = createStreamEncoder(format, { sampleRateHz: RATE });
      expect(encoder.format).toBe(format);
      expect(encoder.contentType).toBe(contentTypeFor(format));
      encoder.close();
    }
    expect(AUDIO_FORMATS.map(contentTypeFor)).toEqual([
      'audio/wav',
      'audio/pcm',
      'audio/mpeg',
      'audio/ogg',
      'audio/flac',
      'audio/basic',
      'audio/x-alaw-basic',
      'audio/pcm;encoding=float;bits=32',
    ]);
  });

  it('returns bytes from the first sentence-sized write for every format', () => {
    const sentence = speechLike(1.5);
    for (const format of AUDIO_FORMATS) {
      const encoder = createStreamEncoder(format, { sampleRateHz: RATE });
      expect(encoder.write(sentence).length, format).toBeGreaterThan(0);
      encoder.close();
    }
  });

  it('gives the same bytes for a lossless format however the audio is split', () => {
    const source = speechLike(1);
    for (const format of ['wav', 'pcm', 'flac'] as const) {
      const whole = createStreamEncoder(format, { sampleRateHz: RATE });
      const once = Buffer.concat([whole.write(source), whole.end()]);
      expect(Buffer.from(streamed(format, source).bytes).equals(once), format).toBe(true);
    }
  });

  it('refuses writes after end and ignores a second end or close', () => {
    for (const format of AUDIO_FORMATS) {
      const encoder = createStreamEncoder(format, { sampleRateHz: RATE });
      encoder.write(new Float32Array(100));
      encoder.end();
      expect(encoder.end()).toHaveLength(0);
      encoder.close();
      expect(() => encoder.write(new Float32Array(10)), format).toThrow(/ended/);
    }
  });

  it('rejects a sample rate or bitrate the codec cannot use', () => {
    expect(() => createStreamEncoder('wav', { sampleRateHz: 0 })).toThrow(RangeError);
    expect(() => createStreamEncoder('opus', { sampleRateHz: 22_050 })).toThrow(RangeError);
    expect(() => createStreamEncoder('mp3', { sampleRateHz: RATE, bitrateKbps: 8 })).toThrow(
      RangeError,
    );
    expect(() => createStreamEncoder('nope' as AudioFormat, { sampleRateHz: RATE })).toThrow(
      RangeError,
    );
  });
});
