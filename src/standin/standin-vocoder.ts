// The per-frame half of the stand-in, where ~80 % of the cost is, as in kitten-tts-nano: F0/N heads,
// the AdaIN decoder, the harmonic-plus-noise source, an iSTFTNet generator with Snake residual blocks
// and the inverse-STFT head. F frames become exactly 600·F samples: ×2 (decoder) ×10 ×6 (generator)
// ×5 (iSTFT hop), with the iSTFT's 20-sample overhang sliced off.
import type { GraphBuilder } from './graph-builder.js';
import { applyDense, conv, convTranspose, dense } from './weighted-layers.js';
import { adaBlock, hifiRes, leakyRelu, multiRes } from './layers.js';
import type { StandinShape } from './standin-shape.js';
import type { TokenSide } from './standin-text.js';

export const SAMPLE_RATE_HZ = 24_000;
export const SAMPLES_PER_FRAME = 600;
const N_FFT = 20;
const HOP = 5;
const BINS = N_FFT / 2 + 1;

/** AdaBlock(c→c0), AdaBlock(c0→c1, ×2), AdaBlock(c1→c1), conv 1×1 → [1, 1, 2F]. */
function pitchHead(g: GraphBuilder, x: string, c: number, s: StandinShape, style: string): string {
  const [c0, c1] = s.f0Channels;
  let y = adaBlock(g, x, c, c0, style);
  y = adaBlock(g, y, c0, c1, style, true);
  y = adaBlock(g, y, c1, c1, style);
  return conv(g, y, c1, 1, { kernel: 1 });
}

/** Inverse real DFT (hann window, overlap-add normalised) as two fixed ConvTranspose bases. */
function istftBases(): { real: number[]; imag: number[] } {
  const real: number[] = [];
  const imag: number[] = [];
  const overlap = 1.5; // Σ over the 4 hops of hann², constant for the periodic window
  for (let k = 0; k < BINS; k++) {
    const c = (k === 0 || k === BINS - 1 ? 1 : 2) / N_FFT / overlap;
    for (let n = 0; n < N_FFT; n++) {
      const window = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / N_FFT);
      real.push(window * c * Math.cos((2 * Math.PI * k * n) / N_FFT));
      imag.push(window * c * Math.sin((2 * Math.PI * k * n) / N_FFT));
    }
  }
  return { real, imag };
}

/** Sine harmonics of F0 mixed to one channel, then a strided conv standing in for its STFT. */
function harmonicSource(g: GraphBuilder, f0: string, harmonics: number): string {
  const perSample = g.op('Resize', [f0, '', g.f32([3], [1, 1, SAMPLES_PER_FRAME / 2])], {
    mode: 'nearest',
    coordinate_transformation_mode: 'asymmetric',
    nearest_mode: 'floor',
  });
  const steps = Array.from(
    { length: harmonics },
    (_, i) => (2 * Math.PI * (i + 1)) / SAMPLE_RATE_HZ,
  );
  const phase = g.op('CumSum', [
    g.op('Mul', [g.op('Reshape', [perSample, g.i64([3], [1, -1, 1])]), g.f32([harmonics], steps)]),
    g.i64([], [1]),
  ]);
  const sines = g.op('Mul', [g.op('Sin', [phase]), g.f32([], [0.1])]);
  const source = g.op('Tanh', [applyDense(g, sines, dense(g, harmonics, 1))]);
  return conv(g, g.op('Reshape', [source, g.i64([3], [1, 1, -1])]), 1, 2 * BINS, {
    kernel: N_FFT,
    stride: HOP,
    pad: N_FFT / 2,
  });
}

export function buildVocoder(
  g: GraphBuilder,
  s: StandinShape,
  side: TokenSide,
  sAc: string,
  sPr: string,
): string {
  const c = s.tokenChannels;
  const f0 = g.op('Add', [
    g.op('Mul', [g.op('Tanh', [pitchHead(g, side.prosodyFrames, c, s, sPr)]), g.f32([], [60])]),
    g.f32([], [160]),
  ]);
  const noise = pitchHead(g, side.prosodyFrames, c, s, sPr);

  // Decoder: [1, c, F] → [1, D, 2F]; F0 enters scaled to about unit size so nothing overflows later.
  const D = s.decoderChannels;
  const f0Down = conv(g, f0, 1, 1, { kernel: 3, stride: 2, pad: 1, scale: 0.01 });
  const noiseDown = conv(g, noise, 1, 1, { kernel: 3, stride: 2, pad: 1 });
  const asrRes = conv(g, side.asr, c, s.decoderAsrChannels, { kernel: 1 });
  let x = adaBlock(g, g.op('Concat', [side.asr, f0Down, noiseDown], { axis: 1 }), c + 2, D, sAc);
  for (let i = 0; i < 4; i++) {
    const joined = g.op('Concat', [x, asrRes, f0Down, noiseDown], { axis: 1 });
    x = adaBlock(g, joined, D + s.decoderAsrChannels + 2, D, sAc, i === 3);
  }

  // Generator: ×10 and ×6 upsampling, each followed by noise injection and residual blocks.
  const [g0, g1] = s.generatorChannels;
  const source = harmonicSource(g, f0, s.harmonics); // [1, 22, 120F + 1]
  const noise0 = hifiRes(
    g,
    conv(g, source, 2 * BINS, g0, { kernel: 12, stride: 6, pad: 3 }),
    g0,
    s.noiseKernels[0],
    sAc,
    s.dilations,
  );
  const noise1 = hifiRes(
    g,
    conv(g, source, 2 * BINS, g1, { kernel: 1 }),
    g1,
    s.noiseKernels[1],
    sAc,
    s.dilations,
  );
  x = convTranspose(g, leakyRelu(g, x, 0.1), D, g0, { kernel: 20, stride: 10, pads: [5, 5] });
  x = multiRes(g, g.op('Add', [x, noise0]), g0, s.resKernels, sAc, s.dilations);
  x = convTranspose(g, leakyRelu(g, x, 0.1), g0, g1, { kernel: 12, stride: 6, pads: [3, 3] });
  x = g.op('Pad', [x, g.i64([6], [0, 0, 1, 0, 0, 0])], { mode: 'reflect' }); // 120F → 120F + 1
  x = multiRes(g, g.op('Add', [x, noise1]), g1, s.resKernels, sAc, s.dilations);
  // conv_post is scaled down so Exp(magnitude) stays far from overflow with random weights.
  const spec = conv(g, leakyRelu(g, x, 0.01), g1, 2 * BINS, { kernel: 7, scale: 0.1 });

  // iSTFT head: magnitude and phase → overlap-added inverse DFT → exactly 600·F samples.
  const [magIn, phaseIn] = g.opMulti('Split', [spec, g.i64([2], [BINS, BINS])], 2, { axis: 1 }) as [
    string,
    string,
  ];
  const magnitude = g.op('Exp', [magIn]);
  const phase = g.op('Sin', [phaseIn]);
  const bases = istftBases();
  const synth = (t: string, basis: number[]) =>
    g.op('ConvTranspose', [t, g.f32([BINS, 1, N_FFT], basis)], {
      kernel_shape: [N_FFT],
      strides: [HOP],
    });
  const real = synth(g.op('Mul', [magnitude, g.op('Cos', [phase])]), bases.real);
  const imag = synth(g.op('Mul', [magnitude, g.op('Sin', [phase])]), bases.imag);
  const edge = N_FFT / 2;
  const trimmed = g.op('Slice', [
    g.op('Sub', [real, imag]),
    g.i64([1], [edge]),
    g.i64([1], [-edge]),
    g.i64([1], [2]),
  ]);
  return g.opInto('Reshape', [trimmed, g.i64([1], [-1])], 'waveform');
}
