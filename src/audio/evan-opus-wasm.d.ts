// Types for the WebAssembly build of @evan/opus, imported by path so the package never loads its
// prebuilt native addon (its own typings describe only the package root).
declare module '@evan/opus/wasm/index.mjs' {
  export class Encoder {
    constructor(options: {
      channels: 1 | 2;
      sample_rate: number;
      application?: 'voip' | 'audio' | 'restricted_lowdelay';
    });
    /** opus_encoder_ctl: a getter without `arg`, a setter with it (throws on a libopus error). */
    ctl(request: number, arg?: number): number;
    /** One frame of interleaved s16 samples in, one Opus packet (a copy) out. */
    encode(pcm: ArrayBufferView): Uint8Array;
    /** Frees the libopus state now (a FinalizationRegistry frees it otherwise). */
    drop(): void;
  }
}
