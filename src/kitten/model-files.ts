// A model resolved to local files: what hub/model-store.ts produces and what the synthesizer loads.
// It lives in kitten/, the model domain, and not in engine/protocol.ts although it crosses the
// worker-thread boundary: dependencies point http → session → engine → kitten, so the protocol
// imports (and re-exports) it from here, and nothing under kitten/ reaches up into engine/.

/** A model resolved to local files, as the worker needs it to create a session. */
export interface ModelFiles {
  /** Gateway model id, e.g. "kitten-tts-nano". */
  readonly id: string;
  /** Absolute path of the .onnx file. */
  readonly modelPath: string;
  /** Absolute path of voices.npz. */
  readonly voicesPath: string;
  readonly type: 'ONNX1' | 'ONNX2';
  readonly speedPriors: Readonly<Record<string, number>>;
  readonly voiceAliases: Readonly<Record<string, string>>;
}
