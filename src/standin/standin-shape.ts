// The widths of each stand-in variant: `nano` mirrors kitten-tts-nano's layout and cost per second of
// audio (≈5 GMAC, ≈15 M parameters); `tiny` keeps every stage and the length law but is small and
// cheap enough for unit tests that synthesize thousands of characters.

export interface StandinShape {
  /** Token channels (embeddings, prosody, acoustic encoder); LSTMs use half per direction. */
  tokenChannels: number;
  /** ALBERT-like text transformer: one set of layer weights shared by all layers. */
  textHidden: number;
  textHeads: number;
  textFfn: number;
  textLayers: number;
  /** Duration head: Σ sigmoid units ≈ units · sigmoid(bias) frames per token at speed 1. */
  durationUnits: number;
  durationBias: number;
  /** F0/N head widths: AdaBlock(c0→c0), AdaBlock(c0→c1, ×2), AdaBlock(c1→c1). */
  f0Channels: readonly [number, number];
  decoderChannels: number;
  decoderAsrChannels: number;
  /** Generator widths after the ×10 and the ×6 upsampling. */
  generatorChannels: readonly [number, number];
  /** Residual-block kernels averaged after each upsampling, and the noise-branch kernels. */
  resKernels: readonly number[];
  noiseKernels: readonly [number, number];
  dilations: readonly number[];
  /** Sine harmonics of F0 in the source signal (real model: 9). */
  harmonics: number;
}

export const STANDIN_SHAPES = {
  tiny: {
    tokenChannels: 16,
    textHidden: 32,
    textHeads: 2,
    textFfn: 64,
    textLayers: 2,
    durationUnits: 50,
    durationBias: -2.8,
    f0Channels: [8, 8],
    decoderChannels: 16,
    decoderAsrChannels: 4,
    generatorChannels: [8, 4],
    resKernels: [3],
    noiseKernels: [7, 11],
    dilations: [1],
    harmonics: 1,
  },
  nano: {
    tokenChannels: 128,
    textHidden: 768,
    textHeads: 12,
    textFfn: 2048,
    textLayers: 12,
    durationUnits: 50,
    durationBias: -2.8,
    f0Channels: [128, 64],
    decoderChannels: 256,
    decoderAsrChannels: 64,
    generatorChannels: [128, 64],
    resKernels: [3, 7],
    noiseKernels: [7, 11],
    dilations: [1, 3, 5],
    harmonics: 9,
  },
} as const satisfies Record<string, StandinShape>;
