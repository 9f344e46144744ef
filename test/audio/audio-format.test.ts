import { describe, expect, it } from 'vitest';
import { AUDIO_FORMATS, contentTypeFor, isAudioFormat } from '../../src/audio/audio-format.js';

describe('audio formats', () => {
  it('lists every format once, frozen', () => {
    expect(AUDIO_FORMATS).toEqual([
      'wav',
      'pcm',
      'mp3',
      'opus',
      'flac',
      'mulaw',
      'alaw',
      'pcm_f32le',
    ]);
    expect(Object.isFrozen(AUDIO_FORMATS)).toBe(true);
  });

  it('maps formats to the MIME types clients expect', () => {
    expect(Object.fromEntries(AUDIO_FORMATS.map((f) => [f, contentTypeFor(f)]))).toEqual({
      wav: 'audio/wav',
      pcm: 'audio/pcm',
      mp3: 'audio/mpeg',
      opus: 'audio/ogg',
      flac: 'audio/flac',
      mulaw: 'audio/basic',
      alaw: 'audio/x-alaw-basic',
      pcm_f32le: 'audio/pcm;encoding=float;bits=32',
    });
  });

  it('recognises format names and nothing inherited', () => {
    expect(AUDIO_FORMATS.every(isAudioFormat)).toBe(true);
    expect(['aac', 'toString', 'WAV', ''].some(isAudioFormat)).toBe(false);
  });
});
