// The library API: the TypeScript counterpart of the Python `kittentts.KittenTTS` class. Inference
// still runs in worker threads (onnxruntime's run() blocks its thread), so a library user's event
// loop stays free exactly like the server's.
import { open } from 'node:fs/promises';
import path from 'node:path';
import { floatToPcm16, pcm16Bytes, WAV_HEADER_BYTES, wavHeader } from '../audio/index.js';
import type { SynthesisRequest } from '../engine/engine.js';
import { loadConfig } from '../config.js';
import { PoolEngine } from '../engine/pool-engine.js';
import { WorkerPool } from '../engine/pool.js';
import { SAMPLE_RATE_HZ } from '../engine/protocol.js';
import { timedWords, type Word } from '../engine/word-timings.js';
import type { HubOptions } from '../kitten/hub/hub.js';
import { DEFAULT_MODEL_ID } from '../kitten/hub/model-registry.js';
import { createModelStore } from '../kitten/hub/model-store.js';
import { VOICES } from '../kitten/voices.js';
import { DEFAULT_LIBRARY_VOICE, KittenStreamer, type StreamerOptions } from './streamer.js';

/** Unset options fall back to the same settings the server reads (KITTENTTS_CACHE_DIR, HF_*, KITTENTTS_MODEL_DIRS). */
export interface KittenTTSOptions {
  /** Model cache folder (Hugging Face hub layout). Default ~/.cache/kittentts. */
  cacheDir?: string;
  /** Hub base URL. Default https://huggingface.co. */
  hfEndpoint?: string;
  hfToken?: string;
  /** Never touch the network: use the cache or fail. */
  offline?: boolean;
  /** Worker threads (default 1). */
  workers?: number;
  /** onnxruntime intra-op threads per worker (default 1). */
  threadsPerWorker?: number;
  onProgress?: HubOptions['onProgress'];
  /** Model id → local folder laid out like the hub repo (as KITTENTTS_MODEL_DIRS). */
  modelDirs?: Record<string, string>;
}

export interface GenerateOptions {
  /** Display name (Bella…) or expr-voice-* key. Default 'expr-voice-5-m' (Leo), as upstream. */
  voice?: string;
  /** 0.25–3.0; multiplied by the model's per-voice speed prior. Default 1. */
  speed?: number;
  /** Normalize numbers, currency, units… before phonemizing. Default true. */
  normalize?: boolean;
}

export { DEFAULT_LIBRARY_VOICE } from './streamer.js';

export class KittenTTS {
  readonly sampleRateHz = SAMPLE_RATE_HZ;

  private constructor(
    readonly modelId: string,
    private readonly engine: PoolEngine,
  ) {}

  /**
   * Loads a model by gateway id (`kitten-tts-nano`), hub repo (`KittenML/kitten-tts-mini-0.8`) or
   * local folder laid out like the hub repo; downloads into the cache when needed.
   */
  static async load(
    model: string = DEFAULT_MODEL_ID,
    options: KittenTTSOptions = {},
  ): Promise<KittenTTS> {
    const settings = loadConfig();
    const store = createModelStore({
      hub: {
        endpoint: (options.hfEndpoint ?? settings.hfEndpoint).replace(/\/+$/, ''),
        token: options.hfToken ?? settings.hfToken,
        offline: options.offline ?? settings.hfOffline,
        cacheDir: path.resolve(options.cacheDir ?? settings.cacheDir),
        onProgress: options.onProgress,
      },
      modelDirs: options.modelDirs ?? settings.modelDirs,
    });
    const pool = new WorkerPool({ workers: options.workers ?? 1 });
    const engine = new PoolEngine({
      pool,
      maxQueued: 1_000,
      resolveModel: (id) => store.resolve(id),
      threadsPerWorker: options.threadsPerWorker ?? 1,
    });
    try {
      await engine.ensureModel(model);
    } catch (err) {
      await pool.destroy();
      throw err;
    }
    return new KittenTTS(model, engine);
  }

  /** The eight display names, as upstream's `available_voices`. */
  get availableVoices(): string[] {
    return VOICES.map((v) => v.id);
  }

  /** Synthesizes text to float32 mono samples at 24 kHz. */
  async generate(text: string, options: GenerateOptions = {}): Promise<Float32Array> {
    const result = await this.engine.synthesize(this.request(text, options));
    return result.samples;
  }

  /**
   * As generate, with each word's timing: `{text, start, end}` in seconds from the start of the
   * audio, `chars` (where the word is in `text`) and `shared` (espeak said it together with its
   * neighbours) as docs/word-timestamps.md describes them.
   */
  async generateWithTimestamps(
    text: string,
    options: GenerateOptions = {},
  ): Promise<{ samples: Float32Array; words: Word[] }> {
    const result = await this.engine.synthesize(this.request(text, options));
    return { samples: result.samples, words: timedWords(result.chunks, text) };
  }

  private request(text: string, options: GenerateOptions): SynthesisRequest {
    return {
      modelId: this.modelId,
      text,
      voice: options.voice ?? DEFAULT_LIBRARY_VOICE,
      speed: options.speed ?? 1,
      normalize: options.normalize ?? true,
    };
  }

  /**
   * Synthesizes text into a 16-bit PCM WAV file, chunk by chunk as it is made: memory follows one
   * model chunk, not the length of the text. The header gets its sizes once the audio is written.
   */
  async generateToFile(
    text: string,
    outputPath: string,
    options: GenerateOptions = {},
  ): Promise<void> {
    const file = await open(outputPath, 'w');
    try {
      let written = WAV_HEADER_BYTES;
      let writes = file.write(wavHeader(this.sampleRateHz, 0), 0, written, 0);
      await this.engine.synthesizeEach(this.request(text, options), (chunk) => {
        const bytes = pcm16Bytes(floatToPcm16(chunk));
        const at = written;
        written += bytes.length;
        writes = writes.then(() => file.write(bytes, 0, bytes.length, at));
      });
      await writes;
      const header = wavHeader(this.sampleRateHz, written - WAV_HEADER_BYTES);
      await file.write(header, 0, header.length, 0);
    } finally {
      await file.close();
    }
  }

  /** An incremental streamer: add LLM tokens, get audio as each sentence completes. */
  createStreamer(options: StreamerOptions = {}): KittenStreamer {
    return new KittenStreamer(this.engine, this.modelId, options);
  }

  /** Stops the worker threads. */
  close(): Promise<void> {
    return this.engine.close();
  }
}
