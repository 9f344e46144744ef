// One loaded KittenTTS model (ONNX session + voice tables) and the text → audio pipeline run on it:
// front-end per chunk, style row, speed prior, inference, trim, join. Runs inside a worker thread.
// ChunkInfo, its per-chunk report, is defined here and not in engine/protocol.ts: it never crosses
// the thread boundary, and kitten/ (the model domain) imports nothing from engine/.
import { readFile } from 'node:fs/promises';
import { planChunks } from './frontend/frontend.js';
import type { Phonemizer } from './frontend/phonemize.js';
import type { ModelFiles } from './model-files.js';
import { loadOnnxTtsModel, type LoadOnnxTtsModelOptions, type OnnxTtsModel } from './onnx.js';
import { concatChunks, trimChunk } from './trim.js';
import { blendStyleRow, resolveBlend, type ResolvedVoice } from './voice-blend.js';
import { markedFrontendChunk } from './marked-frontend.js';
import { loadVoiceTables } from './voices.js';
import { alignChunkWords, wordSpans, type AlignedWord, type WordSpan } from './word-spans.js';

export class SynthesisInputError extends Error {
  readonly code: 'invalid_voice' | 'invalid_text';
  constructor(code: 'invalid_voice' | 'invalid_text', message: string) {
    super(message);
    this.code = code;
  }
}

export interface ChunkInfo {
  /** The exact chunk string given to the model (after normalization and chunking). */
  readonly text: string;
  /** Samples this chunk contributed after the upstream 5000-sample trim. */
  readonly samples: number;
  /** Its words' timings (from the start of its trimmed audio); empty without a `duration` output. */
  readonly words: readonly WordSpan[];
}

export interface SynthesisOutput {
  samples: Float32Array;
  chunks: ChunkInfo[];
  frontendMs: number;
  inferenceMs: number;
  /** Time spent mapping the durations to words (part of neither figure above). */
  wordsMs: number;
  /** Why a chunk's word timings failed (its words are then empty; the audio is unaffected). */
  wordsError?: string;
}

/** One chunk's output, with the graph's `duration` output (frames per token) when it has one. */
export interface ChunkOutput extends SynthesisOutput {
  durations: BigInt64Array | null;
}

export class KittenSynthesizer {
  private constructor(
    readonly files: ModelFiles,
    private model: OnnxTtsModel,
    private readonly voices: Map<string, { rows: number; data: Float32Array }>,
    private readonly loadOptions: LoadOnnxTtsModelOptions,
  ) {}

  static async load(
    files: ModelFiles,
    intraOpThreads: number,
    options: { cpuMemArena?: boolean } = {},
  ): Promise<KittenSynthesizer> {
    const loadOptions = { intraOpThreads, ...options };
    const [voiceBytes, model] = await Promise.all([
      readFile(files.voicesPath).catch((err: unknown) => {
        throw new Error(`cannot read voices file ${files.voicesPath}: ${(err as Error).message}`);
      }),
      loadOnnxTtsModel(files.modelPath, loadOptions),
    ]);
    let voices: Map<string, { rows: number; data: Float32Array }>;
    try {
      voices = loadVoiceTables(
        new Uint8Array(voiceBytes.buffer, voiceBytes.byteOffset, voiceBytes.byteLength),
      );
    } catch (err) {
      await model.release();
      throw err;
    }
    return new KittenSynthesizer(files, model, voices, loadOptions);
  }

  /** A whole text, chunked as upstream does (the library and the seed baseline use this). */
  async synthesize(
    text: string,
    voice: string,
    speed: number,
    normalize: boolean,
    phonemizer: Phonemizer,
  ): Promise<SynthesisOutput> {
    // An unknown voice fails even for text with nothing to say.
    const resolved = this.resolve(voice, speed);
    const pieces: Float32Array[] = [];
    const infos: ChunkInfo[] = [];
    let frontendMs = 0;
    let inferenceMs = 0;
    let wordsMs = 0;
    let wordsError: string | undefined;
    for (const chunk of planChunks(text, { normalize })) {
      const out = await this.synthesizeResolved(chunk, resolved, phonemizer);
      pieces.push(out.samples);
      infos.push(...out.chunks);
      frontendMs += out.frontendMs;
      inferenceMs += out.inferenceMs;
      wordsMs += out.wordsMs;
      wordsError ??= out.wordsError;
    }
    const samples = concatChunks(pieces);
    const failed = wordsError === undefined ? {} : { wordsError };
    return { samples, chunks: infos, frontendMs, inferenceMs, wordsMs, ...failed };
  }

  /** One planned chunk in a voice string (a name, a key or a blend). */
  synthesizeChunk(
    chunk: string,
    voice: string,
    speed: number,
    phonemizer: Phonemizer,
  ): Promise<ChunkOutput> {
    return this.synthesizeResolved(chunk, this.resolve(voice, speed), phonemizer);
  }

  /**
   * One planned chunk (an exact model input string from planChunks) in a resolved voice (a name,
   * a key or a blend, already resolved: voice-blend.ts): phonemes, inference, trim.
   */
  async synthesizeResolved(
    chunk: string,
    voice: ResolvedVoice,
    phonemizer: Phonemizer,
  ): Promise<ChunkOutput> {
    const rows = this.tableRows(voice);
    const t0 = performance.now();
    // A chunk may hold phoneme markup (the gateway writes lexicon hits as markup too).
    const front = await markedFrontendChunk(chunk, phonemizer, rows);
    const t1 = performance.now();
    const style = blendStyleRow(this.voices, voice.mix, front.text);
    const out = await this.model.run(front.inputIds, style, voice.speed);
    const t2 = performance.now();
    const samples = trimChunk(out.waveform);
    const { words, wordsError } = await timeWords(front.text, front.phonemes, out.durations, {
      trimmedSamples: samples.length,
      phonemizer,
      aligned: front.words,
    });
    return {
      samples,
      chunks: [{ text: front.text, samples: samples.length, words }],
      frontendMs: t1 - t0,
      inferenceMs: t2 - t1,
      wordsMs: performance.now() - t2,
      durations: out.durations,
      ...(wordsError === undefined ? {} : { wordsError }),
    };
  }

  /** A voice string resolved against this model's aliases and priors (no saved voices here). */
  resolve(voice: string, speed: number): ResolvedVoice {
    let resolved: ResolvedVoice;
    try {
      resolved = resolveBlend(voice, this.files.voiceAliases, this.files.speedPriors, speed);
    } catch (err) {
      throw new SynthesisInputError('invalid_voice', (err as Error).message);
    }
    this.tableRows(resolved);
    return resolved;
  }

  /** The style rows of the mix's tables (all tables of one voices file have the same rows). */
  private tableRows(voice: ResolvedVoice): number {
    let rows: number | undefined;
    for (const { key } of voice.mix) {
      const table = this.voices.get(key);
      if (!table) {
        throw new SynthesisInputError(
          'invalid_voice',
          `Voice '${key}' is not in this model's voices file.`,
        );
      }
      rows = Math.min(rows ?? table.rows, table.rows);
    }
    if (rows === undefined) throw new SynthesisInputError('invalid_voice', 'no voice given');
    return rows;
  }

  /**
   * A new onnxruntime session from the model file in place of the current one, which is released:
   * whatever its arena grew to goes back, and this synthesizer holds what a freshly loaded one does.
   * Call it with no run in flight (a worker's `renew` task runs alone on its thread); if the load
   * fails nothing changes.
   */
  async renew(): Promise<void> {
    const fresh = await loadOnnxTtsModel(this.files.modelPath, this.loadOptions);
    const old = this.model;
    this.model = fresh;
    await old.release();
  }

  release(): Promise<void> {
    return this.model.release();
  }
}

/** A chunk's word spans. An alignment that throws costs the chunk its words, never its audio. */
async function timeWords(
  chunk: string,
  phonemes: string,
  durations: BigInt64Array | null,
  opts: { trimmedSamples: number; phonemizer: Phonemizer; aligned?: AlignedWord[] | undefined },
): Promise<{ words: WordSpan[]; wordsError?: string }> {
  const { trimmedSamples, phonemizer } = opts;
  try {
    // A marked chunk's words are already aligned to its spliced phonemes (marked-frontend.ts).
    const aligned =
      opts.aligned ?? (await alignChunkWords(chunk, phonemes, (t) => phonemizer.phonemize(t)));
    return { words: wordSpans(aligned, phonemes, durations, trimmedSamples) };
  } catch (err) {
    return { words: [], wordsError: err instanceof Error ? err.message : String(err) };
  }
}
