// The library's incremental streamer (the reference's `create_streamer`): tokens go in, and every
// sentence the segmenter completes is synthesized and yielded as float32 audio, in order.
import type { SessionEngine } from '../engine/engine.js';
import { Segmenter } from '../session/segmenter.js';

/** Upstream's default voice for the library API. */
export const DEFAULT_LIBRARY_VOICE = 'expr-voice-5-m';

export interface StreamerOptions {
  voice?: string;
  speed?: number;
  normalize?: boolean;
}

export class KittenStreamer {
  private segmenter = new Segmenter();

  constructor(
    private readonly engine: SessionEngine,
    private readonly modelId: string,
    private readonly options: StreamerOptions,
  ) {}

  /** Text waiting for its sentence to complete. */
  get bufferedText(): string {
    return this.segmenter.bufferedText;
  }

  /** Adds text; yields the audio of each sentence it completed. */
  async *addText(text: string): AsyncGenerator<Float32Array> {
    yield* this.synthesizeAll(this.segmenter.push(text));
  }

  /** Synthesizes whatever is buffered. */
  async *flush(): AsyncGenerator<Float32Array> {
    yield* this.synthesizeAll(this.segmenter.flush());
  }

  /** Drops buffered text without synthesizing it. */
  reset(): void {
    this.segmenter = new Segmenter();
  }

  /** Nothing to release any more (kept for callers of the earlier lane-based streamer). */
  close(): void {}

  private async *synthesizeAll(sentences: readonly string[]): AsyncGenerator<Float32Array> {
    // Start every sentence at once: their deadlines follow each other, so they run in order while
    // earlier audio is consumed.
    const pending = sentences.map((text) =>
      this.engine.synthesize({
        modelId: this.modelId,
        text,
        voice: this.options.voice ?? DEFAULT_LIBRARY_VOICE,
        speed: this.options.speed ?? 1,
        normalize: this.options.normalize ?? true,
      }),
    );
    for (const p of pending) p.catch(() => undefined);
    for (const p of pending) yield (await p).samples;
  }
}
