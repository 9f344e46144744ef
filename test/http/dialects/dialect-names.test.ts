// The pure tables under both dialects: names (voices, model aliases) and output formats.
import { describe, expect, it } from 'vitest';
import {
  cartesiaTarget,
  elevenLabsTarget,
  isEncodable,
} from '../../../src/http/dialects/dialect-formats.js';
import { dialectModel, dialectVoice } from '../../../src/http/dialects/dialect-names.js';

describe('dialectVoice', () => {
  it('takes our voice names in any case and the expr-voice keys, and nothing else', () => {
    expect(dialectVoice('Bella')).toBe('Bella');
    expect(dialectVoice('jasper')).toBe('Jasper');
    expect(dialectVoice('expr-voice-4-f')).toBe('expr-voice-4-f');
    expect(dialectVoice('21m00Tcm4TlvDq8ikWAM')).toBeUndefined();
  });
});

describe('dialectModel', () => {
  const names = {
    ids: ['kitten-tts-nano', 'kitten-tts-mini'],
    defaultId: 'kitten-tts-nano',
    aliases: { eleven_multilingual_v2: 'kitten-tts-mini', 'sonic-3': 'no-such-model' },
  };

  it('keeps our ids, follows KITTENTTS_MODEL_ALIASES, and sends the rest to the default', () => {
    expect(dialectModel('kitten-tts-mini', names)).toBe('kitten-tts-mini');
    expect(dialectModel('eleven_multilingual_v2', names)).toBe('kitten-tts-mini');
    expect(dialectModel('eleven_flash_v2_5', names)).toBe('kitten-tts-nano');
    expect(dialectModel(undefined, names)).toBe('kitten-tts-nano');
    // An alias naming a model we do not have is as good as none.
    expect(dialectModel('sonic-3', names)).toBe('kitten-tts-nano');
  });
});

describe('the dialect format table', () => {
  it("maps ElevenLabs' output_format names onto a format and a rate", () => {
    expect(elevenLabsTarget('pcm_16000')).toEqual({ format: 'pcm', outputSampleRateHz: 16000 });
    expect(elevenLabsTarget('ulaw_8000')).toEqual({ format: 'mulaw', outputSampleRateHz: 8000 });
    expect(elevenLabsTarget('mp3_44100_128')).toEqual({
      format: 'mp3',
      outputSampleRateHz: 44100,
      bitrateKbps: 128,
    });
    expect(elevenLabsTarget(undefined)).toEqual(elevenLabsTarget('mp3_44100_128'));
    for (const bad of ['pcm_12345', 'ulaw_16000', 'mp3_44100', 'wav_24000', 'pcm_24000_1']) {
      expect(elevenLabsTarget(bad)).toBeUndefined();
    }
  });

  it("maps Cartesia's output_format objects onto a format and a rate", () => {
    const raw = (encoding: string, sample_rate: number) => ({
      container: 'raw',
      encoding,
      sample_rate,
    });
    expect(cartesiaTarget(raw('pcm_s16le', 24000))).toEqual({
      format: 'pcm',
      outputSampleRateHz: 24000,
    });
    expect(cartesiaTarget(raw('pcm_f32le', 44100))).toEqual({
      format: 'pcm_f32le',
      outputSampleRateHz: 44100,
    });
    expect(cartesiaTarget(raw('pcm_mulaw', 8000))).toEqual({
      format: 'mulaw',
      outputSampleRateHz: 8000,
    });
    expect(cartesiaTarget(raw('pcm_alaw', 8000))).toEqual({
      format: 'alaw',
      outputSampleRateHz: 8000,
    });
    expect(cartesiaTarget(raw('pcm_mulaw', 16000))).toBeUndefined();
    expect(
      cartesiaTarget({ container: 'wav', encoding: 'pcm_s16le', sample_rate: 24000 }),
    ).toBeUndefined();
    expect(
      cartesiaTarget(
        { container: 'wav', encoding: 'pcm_s16le', sample_rate: 24000 },
        { files: true },
      ),
    ).toEqual({
      format: 'wav',
      outputSampleRateHz: 24000,
    });
  });

  it('has an encoder for every entry of the table', () => {
    for (const name of [
      'pcm_8000',
      'pcm_22050',
      'pcm_48000',
      'ulaw_8000',
      'alaw_8000',
      'mp3_44100_128',
      'mp3_22050_32',
    ]) {
      expect(isEncodable(elevenLabsTarget(name)!), name).toBe(true);
    }
  });
});
