// The Engine: what the session and HTTP layers see of inference. The piscina pool behind it
// (engine/pool.ts) is an implementation detail; nothing above this interface knows about threads.

export interface SynthesisRequest {
  /** Gateway model id (kitten-tts-nano, …) or a model registered from a local folder. */
  readonly modelId: string;
  readonly text: string;
  /** Display name (Bella…) or expr-voice-* key; validated before it reaches the engine. */
  readonly voice: string;
  readonly speed: number;
  /** Apply the text normalizer (default true). */
  readonly normalize?: boolean;
  /** Aborting before the task starts drops it; a running task finishes and its result is dropped. */
  readonly signal?: AbortSignal;
}

export interface SynthesisChunk {
  readonly text: string;
  readonly samples: number;
}

export interface Synthesis {
  /** Float32 mono audio at 24 kHz, trimmed per chunk as upstream does. */
  readonly samples: Float32Array;
  readonly sampleRateHz: number;
  readonly durationS: number;
  readonly chunks: readonly SynthesisChunk[];
  readonly timings: {
    /** Model download + session creation paid by this request (0 when warm). */
    readonly loadS: number;
    /** Time in the worker: front-end + inference. */
    readonly generationS: number;
    readonly frontendS: number;
    readonly inferenceS: number;
    /** Waiting for a free worker. */
    readonly queueS: number;
  };
}

/** A sticky route to one worker, so a streaming session keeps its model warm on one thread. */
export interface Lane {
  readonly id: number;
  synthesize(request: SynthesisRequest): Promise<Synthesis>;
  /** Gives the lane back (the load balancer stops counting this session). */
  release(): void;
}

export interface EngineStats {
  readonly workers: number;
  readonly busyWorkers: number;
  readonly queued: number;
  readonly completed: number;
}

export interface Engine {
  /** Runs on the least-loaded worker. */
  synthesize(request: SynthesisRequest): Promise<Synthesis>;
  /** Pins a session to the least-loaded worker at open time. */
  openLane(): Lane;
  /** Resolves (downloads if needed) and loads a model; returns the seconds this call paid. */
  ensureModel(modelId: string): Promise<number>;
  stats(): EngineStats;
  close(): Promise<void>;
}
