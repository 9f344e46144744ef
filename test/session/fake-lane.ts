// An in-test Engine Lane (the worker pool cannot run here): deterministic audio per text, finished
// by hand (complete/fail) or after a delay, counting what is in flight at once.
import type { Lane, Synthesis, SynthesisRequest } from '../../src/engine/engine.js';

export interface FakeCall {
  readonly request: SynthesisRequest;
  settled: boolean;
  complete(): void;
  fail(err: unknown): void;
}

/** Audio the fake renders for `text`: 10 samples per character, each the text's first char code. */
export function fakeSamples(text: string): Float32Array {
  return new Float32Array(text.length * 10).fill(text.charCodeAt(0));
}

export class FakeLane implements Lane {
  readonly id = 7;
  readonly calls: FakeCall[] = [];
  released = 0;
  active = 0;
  maxActive = 0;

  /** With `delayMs`, each synthesis finishes by itself after that many ms; else by hand. */
  constructor(private readonly delayMs?: (request: SynthesisRequest) => number) {}

  synthesize(request: SynthesisRequest): Promise<Synthesis> {
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    return new Promise<Synthesis>((resolve, reject) => {
      const call: FakeCall = {
        request,
        settled: false,
        complete: () => {
          if (call.settled) return;
          call.settled = true;
          this.active--;
          const samples = fakeSamples(request.text);
          resolve({
            samples,
            sampleRateHz: 24000,
            durationS: samples.length / 24000,
            chunks: [{ text: request.text, samples: samples.length }],
            timings: {
              loadS: 0,
              generationS: 0.01,
              frontendS: 0.001,
              inferenceS: 0.009,
              queueS: 0,
            },
          });
        },
        fail: (err) => {
          if (call.settled) return;
          call.settled = true;
          this.active--;
          reject(err);
        },
      };
      this.calls.push(call);
      if (this.delayMs) setTimeout(call.complete, this.delayMs(request));
    });
  }

  release(): void {
    this.released++;
  }

  /** Texts submitted so far, in submission order. */
  texts(): string[] {
    return this.calls.map((c) => c.request.text);
  }
}

/** Lets pending promise callbacks (settle → pump → notify) run. */
export async function tick(times = 5): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise<void>((r) => setImmediate(r));
}
