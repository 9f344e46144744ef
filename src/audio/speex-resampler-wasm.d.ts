// Types for @echogarden/speex-resampler-wasm (SpeexDSP's resampler compiled by emscripten), which
// ships none: the module factory and the exports resampler.ts calls.
declare module '@echogarden/speex-resampler-wasm/simd' {
  export interface SpeexResamplerModule {
    /** The heap views; emscripten replaces them when the heap grows, so read them after allocating. */
    readonly HEAPF32: Float32Array;
    readonly HEAPU32: Uint32Array;
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    _speex_resampler_init(
      channels: number,
      inRate: number,
      outRate: number,
      quality: number,
      errPointer: number,
    ): number;
    _speex_resampler_destroy(state: number): void;
    _speex_resampler_skip_zeros(state: number): number;
    _speex_resampler_get_input_latency(state: number): number;
    _speex_resampler_get_output_latency(state: number): number;
    /** in/out lengths are pointers to uint32: capacity in, samples consumed/written out. */
    _speex_resampler_process_float(
      state: number,
      channel: number,
      input: number,
      inLenPointer: number,
      output: number,
      outLenPointer: number,
    ): number;
  }
  const factory: () => Promise<SpeexResamplerModule>;
  export default factory;
}
