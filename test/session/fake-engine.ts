// An in-test SessionEngine (no worker pool): deterministic audio per text, finished by hand
// (complete/fail) or after a delay, counting what is in flight at once, on a clock the test sets.
import type { SessionEngine, Synthesis, SynthesisRequest } from '../../src/engine/engine.js';
import type { WordSpan } from '../../src/engine/protocol.js';

export interface FakeCall {
  readonly request: SynthesisRequest;
  settled: boolean;
  /** `cached`: as the synthesis cache would answer (no worker ran). */
  complete(how?: { cached?: boolean }): void;
  fail(err: unknown): void;
}

/** Audio the fake renders for `text`: 10 samples per character, each the text's first char code. */
export function fakeSamples(text: string): Float32Array {
  return new Float32Array(text.length * 10).fill(text.charCodeAt(0));
}

export class FakeEngine implements SessionEngine {
  readonly calls: FakeCall[] = [];
  /** The engine clock (ms); tests move it by hand. */
  clockMs = 0;
  /** Sessions closed (a test passes `onClose: engine.onSessionClose`). */
  closed = 0;
  readonly onSessionClose = () => {
    this.closed++;
  };
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
        complete: (how = {}) => {
          if (call.settled) return;
          call.settled = true;
          this.active--;
          const samples = fakeSamples(request.text);
          resolve({
            ...(how.cached ? { cached: true } : {}),
            samples,
            sampleRateHz: 24000,
            durationS: samples.length / 24000,
            chunks: [
              {
                text: request.text,
                samples: samples.length,
                words: fakeWords(request.text, samples.length),
              },
            ],
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

  now(): number {
    return this.clockMs;
  }

  /** Multiplies the audio estimates (a test that wants a listener with ample audio ahead). */
  estimateScale = 1;

  /** Exactly the fake's audio length (times estimateScale). */
  estimateAudioS(_modelId: string, text: string): number {
    return ((text.length * 10) / 24000) * this.estimateScale;
  }

  estimateCostS(_modelId: string, text: string): number {
    return text.length / 1e4;
  }

  /** Seconds of queued work ahead of any deadline (a test sets it to play a loaded server). */
  queueS = 0;
  /** Deadlines load-aware chunking asked about, in order. */
  readonly queueAsks: number[] = [];

  queueAheadS(deadlineMs: number): number {
    this.queueAsks.push(deadlineMs);
    return this.queueS;
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

/** Each whitespace-separated word of `text` gets an equal share of the chunk's samples. */
export function fakeWords(text: string, samples: number): WordSpan[] {
  const found = [...text.matchAll(/\S+/g)];
  const each = Math.floor(samples / Math.max(1, found.length));
  return found.map((m, i) => ({
    text: m[0],
    from: m.index,
    to: m.index + m[0].length,
    startSample: i * each,
    endSample: (i + 1) * each,
  }));
}
