// The physical limit: the stand-in model run in-process on onnxruntime-node with one intra-op thread,
// fed input_ids prepared ahead of time, so only session.run() is timed (no front-end, no threads,
// no HTTP). Inputs are made the way the gateway makes them: phonemes → ids, style row, speed prior.
import { readFile } from 'node:fs/promises';
import { chunkText } from '../../src/kitten/frontend/chunk.js';
import { readModelDir } from '../../src/kitten/hub/model-store.js';
import {
  loadOnnxTtsModel,
  type LoadOnnxTtsModelOptions,
  type OnnxTtsModel,
} from '../../src/kitten/onnx.js';
import { createPhonemizer, type Phonemizer } from '../../src/kitten/frontend/phonemize.js';
import { textToIds } from '../../src/kitten/frontend/tokenize.js';
import {
  loadVoiceTables,
  resolveVoice,
  styleRow,
  type VoiceTable,
} from '../../src/kitten/voices.js';
import { MODEL_ID, VOICE } from './standin-model.js';

export interface PreparedInput {
  text: string;
  inputIds: number[];
  style: Float32Array;
  speed: number;
}

export interface RawModel {
  readonly model: OnnxTtsModel;
  /** Loads the session again, then releases the old one (the phonemizer and voices are kept). */
  reload(): Promise<void>;
  readonly phonemizer: Phonemizer;
  /** One model input per upstream chunk of text (the benchmark sentences are one chunk each). */
  prepare(text: string, maxChunkChars?: number): Promise<PreparedInput[]>;
  /** Runs the model on prepared inputs; returns milliseconds spent in session.run and samples made. */
  infer(inputs: readonly PreparedInput[]): Promise<{ ms: number; samples: number }>;
  release(): Promise<void>;
}

export async function loadRawModel(
  dir: string,
  intraOpThreads = 1,
  options: Omit<LoadOnnxTtsModelOptions, 'intraOpThreads'> = {},
): Promise<RawModel> {
  const files = await readModelDir(MODEL_ID, dir);
  const load = () => loadOnnxTtsModel(files.modelPath, { ...options, intraOpThreads });
  let model = await load();
  const bytes = await readFile(files.voicesPath);
  const tables = loadVoiceTables(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const voice = resolveVoice(VOICE, files.voiceAliases, files.speedPriors, 1);
  const table: VoiceTable = tables.get(voice.key)!;
  const phonemizer = await createPhonemizer();
  return {
    get model() {
      return model;
    },
    async reload() {
      const old = model;
      model = await load();
      await old.release();
    },
    phonemizer,
    async prepare(text, maxChunkChars) {
      const inputs: PreparedInput[] = [];
      for (const chunk of chunkText(text, maxChunkChars)) {
        const phonemes = await phonemizer.phonemize(chunk);
        inputs.push({
          text: chunk,
          inputIds: textToIds(phonemes),
          style: styleRow(table, chunk),
          speed: voice.speed,
        });
      }
      return inputs;
    },
    async infer(inputs) {
      let ms = 0;
      let samples = 0;
      for (const input of inputs) {
        const t0 = performance.now();
        const out = await model.run(input.inputIds, input.style, input.speed);
        ms += performance.now() - t0;
        samples += out.waveform.length;
      }
      return { ms, samples };
    },
    release: () => model.release(),
  };
}
