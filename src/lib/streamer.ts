// The library's incremental streamer (the reference's `create_streamer`): tokens go in, and every
// sentence the segmenter completes is synthesized and yielded as float32 audio, in order.
import type { Lane } from '../engine/engine.js';
import { Segmenter } from '../session/segmenter.js';

export interface StreamerOptions {
  voice?: string;
  speed?: number;
  normalize?: boolean;
}

export class KittenStreamer {
  private segmenter = new Segmenter();

  constructor(
    private readonly lane: Lane,
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

  /** Releases the worker lane. */
  close(): void {
    this.lane.release();
  }

  private async *synthesizeAll(sentences: readonly string[]): AsyncGenerator<Float32Array> {
    // Start every sentence at once: the lane runs them in order while earlier audio is consumed.
    const pending = sentences.map((text) =>
      this.lane.synthesize({
        modelId: this.modelId,
        text,
        voice: this.options.voice ?? 'expr-voice-5-m',
        speed: this.options.speed ?? 1,
        normalize: this.options.normalize ?? true,
      }),
    );
    for (const p of pending) p.catch(() => undefined);
    for (const p of pending) yield (await p).samples;
  }
}
