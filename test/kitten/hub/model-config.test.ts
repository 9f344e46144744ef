import { describe, expect, it } from 'vitest';
import { ModelLoadError } from '../../../src/errors.js';
import {
  ModelConfigError,
  parseModelConfig,
  parseModelConfigText,
} from '../../../src/kitten/hub/model-config.js';

// The nano 0.8 config.json as published (as published on the hub).
const NANO = {
  name: 'Kitten TTS Nano',
  version: '0.8',
  type: 'ONNX2',
  model: 'kitten-tts-nano-0.8',
  voices: 'voices.npz',
  model_file: 'kitten_tts_nano_v0_8.onnx',
  speed_priors: {
    'expr-voice-2-f': 0.8,
    'expr-voice-2-m': 0.8,
    'expr-voice-3-m': 0.8,
    'expr-voice-3-f': 0.8,
    'expr-voice-4-m': 0.9,
    'expr-voice-4-f': 0.8,
    'expr-voice-5-m': 0.8,
    'expr-voice-5-f': 0.8,
  },
  voice_aliases: { Bella: 'expr-voice-2-f', Leo: 'expr-voice-5-m' },
};

const minimal = { type: 'ONNX1', model_file: 'kitten_tts_nano_v0_1.onnx', voices: 'voices.npz' };

describe('parseModelConfig', () => {
  it('reads the fields upstream reads and ignores the rest', () => {
    expect(parseModelConfig(NANO)).toEqual({
      type: 'ONNX2',
      modelFile: 'kitten_tts_nano_v0_8.onnx',
      voices: 'voices.npz',
      speedPriors: NANO.speed_priors,
      voiceAliases: NANO.voice_aliases,
      name: 'Kitten TTS Nano',
      version: '0.8',
    });
  });

  it('defaults missing or null priors and aliases to empty tables, as config.get(..., {}) does', () => {
    expect(parseModelConfig(minimal)).toEqual({
      type: 'ONNX1',
      modelFile: 'kitten_tts_nano_v0_1.onnx',
      voices: 'voices.npz',
      speedPriors: {},
      voiceAliases: {},
    });
    expect(parseModelConfig({ ...minimal, speed_priors: null }).speedPriors).toEqual({});
  });

  it('rejects any other model type with upstream wording', () => {
    expect(() => parseModelConfig({ ...minimal, type: 'PYTORCH' })).toThrow(
      'config.json: type: Unsupported model type. Got "PYTORCH"; expected "ONNX1" or "ONNX2"',
    );
    expect(() => parseModelConfig({ model_file: 'a.onnx', voices: 'v.npz' })).toThrow(
      'Unsupported model type.',
    );
  });

  it('throws a ModelConfigError that the gateway reports as a model load failure', () => {
    let caught: unknown;
    try {
      parseModelConfig({ ...minimal, type: 'onnx2' }, 'KittenML/x/config.json');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ModelConfigError);
    expect(caught).toBeInstanceOf(ModelLoadError);
    expect((caught as ModelConfigError).status).toBe(500);
    expect((caught as Error).message).toMatch(/^KittenML\/x\/config.json: type: /);
  });

  it.each([
    ['../escape.onnx'],
    ['sub/../../escape.onnx'],
    ['/etc/passwd'],
    ['C:/models/x.onnx'],
    ['sub\\x.onnx'],
    ['./'],
    [''],
  ])('rejects the file name %j that could leave the model folder', (name) => {
    expect(() => parseModelConfig({ ...minimal, model_file: name })).toThrow(
      /config.json: model_file: /,
    );
    expect(() => parseModelConfig({ ...minimal, voices: name })).toThrow(/config.json: voices: /);
  });

  it('accepts files in a subfolder of the repo', () => {
    expect(parseModelConfig({ ...minimal, model_file: 'onnx/model.onnx' }).modelFile).toBe(
      'onnx/model.onnx',
    );
  });

  it('rejects missing files, bad priors and bad aliases', () => {
    expect(() => parseModelConfig({ type: 'ONNX2', voices: 'v.npz' })).toThrow(
      'model_file: must be a file name',
    );
    expect(() => parseModelConfig({ ...minimal, speed_priors: { 'expr-voice-2-m': 0 } })).toThrow(
      'speed_priors.expr-voice-2-m: must be a positive number',
    );
    expect(() => parseModelConfig({ ...minimal, voice_aliases: { Bella: 2 } })).toThrow(
      'voice_aliases.Bella',
    );
    expect(() => parseModelConfig([minimal])).toThrow('expected a JSON object');
  });
});

describe('parseModelConfigText', () => {
  it('parses JSON text and reports invalid JSON clearly', () => {
    expect(parseModelConfigText(JSON.stringify(NANO)).type).toBe('ONNX2');
    expect(() => parseModelConfigText('{"type": ', 'x/config.json')).toThrow(
      /^x\/config.json is not valid JSON: /,
    );
  });
});
