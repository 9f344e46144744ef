// The StyleTTS2/iSTFTNet building blocks the stand-in is made of (LSTM, AdaIN, Snake, AdaBlock,
// HiFi-GAN residual block), written once on top of the graph builder. Activations are [1, C, L]
// (channels first) for convs and [1, L, C] for LSTMs and dense layers.
import type { GraphBuilder } from './graph-builder.js';
import { applyDense, conv, convTranspose, dense } from './weighted-layers.js';

export const STYLE_HALF = 128;

export function leakyRelu(g: GraphBuilder, x: string, alpha: number): string {
  return g.op('LeakyRelu', [x], { alpha: { float: alpha } });
}

export function layerNorm(g: GraphBuilder, x: string, dim: number): string {
  return g.op('LayerNormalization', [x, g.filledParam([dim], 1), g.filledParam([dim], 0)], {
    axis: -1,
    epsilon: { float: 1e-5 },
  });
}

/** Instance norm without affine (AdaIN supplies it): keeps random-weight activations near unit scale. */
export function instanceNorm(g: GraphBuilder, x: string, channels: number): string {
  return g.op(
    'InstanceNormalization',
    [
      x,
      g.f32([channels], new Array<number>(channels).fill(1)),
      g.f32([channels], new Array<number>(channels).fill(0)),
    ],
    {
      epsilon: { float: 1e-5 },
    },
  );
}

/** [1, L, C] ↔ [1, C, L]. */
export function swapLastAxes(g: GraphBuilder, x: string): string {
  return g.op('Transpose', [x], { perm: [0, 2, 1] });
}

/** Bidirectional LSTM over [1, L, inDim] → [1, L, 2·hidden] (forward and backward concatenated). */
export function biLstm(g: GraphBuilder, x: string, inDim: number, hidden: number): string {
  const seqFirst = g.op('Transpose', [x], { perm: [1, 0, 2] });
  // PyTorch's LSTM init: U(±1/√hidden).
  const w = g.weight([2, 4 * hidden, inDim], 3 * hidden);
  const r = g.weight([2, 4 * hidden, hidden], 3 * hidden);
  const b = g.filledParam([2, 8 * hidden], 0);
  const y = g.op('LSTM', [seqFirst, w, r, b], { hidden_size: hidden, direction: 'bidirectional' }); // [L, 2, 1, H]
  const batchFirst = g.op('Transpose', [y], { perm: [2, 0, 1, 3] }); // [1, L, 2, H]
  return g.op('Reshape', [batchFirst, g.i64([3], [1, -1, 2 * hidden])]);
}

/** BERT's tanh-approximated GELU, spelled out in elementwise ops as exporters write it. */
export function gelu(g: GraphBuilder, x: string): string {
  const cube = g.op('Mul', [g.op('Mul', [x, x]), x]);
  const inner = g.op('Add', [x, g.op('Mul', [cube, g.f32([], [0.044715])])]);
  const t = g.op('Tanh', [g.op('Mul', [inner, g.f32([], [Math.sqrt(2 / Math.PI)])])]);
  return g.op('Mul', [g.op('Mul', [x, g.op('Add', [t, g.f32([], [1])])]), g.f32([], [0.5])]);
}

/** Snake activation x + (1/α)·sin(αx)², α per channel. */
export function snake(g: GraphBuilder, x: string, channels: number): string {
  const alpha = g.filledParam([1, channels, 1], 1);
  const inverse = g.filledParam([1, channels, 1], 1);
  const s = g.op('Sin', [g.op('Mul', [x, alpha])]);
  return g.op('Add', [x, g.op('Mul', [g.op('Mul', [s, s]), inverse])]);
}

/** Adaptive instance norm: IN(x)·γ(s) + β(s), with γ's bias at 1 so it starts as a plain norm. */
export function adaIn(g: GraphBuilder, x: string, channels: number, style: string): string {
  const fc = dense(g, STYLE_HALF, 2 * channels, {
    bias: [...new Array<number>(channels).fill(1), ...new Array<number>(channels).fill(0)],
  });
  const h = g.op('Reshape', [applyDense(g, style, fc), g.i64([3], [1, 2 * channels, 1])]);
  const [gamma, beta] = g.opMulti('Split', [h, g.i64([2], [channels, channels])], 2, {
    axis: 1,
  }) as [string, string];
  return g.op('Add', [g.op('Mul', [instanceNorm(g, x, channels), gamma]), beta]);
}

/** StyleTTS2's AdainResBlk1d: two AdaIN → LeakyReLU → conv k3 steps, optionally upsampling ×2. */
export function adaBlock(
  g: GraphBuilder,
  x: string,
  cin: number,
  cout: number,
  style: string,
  upsample = false,
): string {
  let r = leakyRelu(g, adaIn(g, x, cin, style), 0.2);
  if (upsample)
    r = convTranspose(g, r, cin, cin, {
      kernel: 3,
      stride: 2,
      pads: [1, 1],
      outputPadding: 1,
      group: cin,
    });
  r = conv(g, r, cin, cout, { kernel: 3 });
  r = conv(g, leakyRelu(g, adaIn(g, r, cout, style), 0.2), cout, cout, { kernel: 3 });
  let shortcut = x;
  if (upsample) shortcut = g.op('Resize', [x, '', g.f32([3], [1, 1, 2])], { mode: 'nearest' });
  if (cin !== cout) shortcut = conv(g, shortcut, cin, cout, { kernel: 1, bias: false });
  return g.op('Mul', [g.op('Add', [r, shortcut]), g.f32([], [Math.SQRT1_2])]);
}

/** HiFi-GAN AdaINResBlock1: per dilation, x += conv(snake(adaIn(conv_dil(snake(adaIn(x)))))). */
export function hifiRes(
  g: GraphBuilder,
  x: string,
  channels: number,
  kernel: number,
  style: string,
  dilations: readonly number[],
): string {
  for (const dilation of dilations) {
    let r = snake(g, adaIn(g, x, channels, style), channels);
    r = conv(g, r, channels, channels, { kernel, dilation });
    r = snake(g, adaIn(g, r, channels, style), channels);
    r = conv(g, r, channels, channels, { kernel });
    x = g.op('Add', [x, r]);
  }
  return x;
}

/** The mean of several HiFi-GAN residual blocks with different kernels over the same input. */
export function multiRes(
  g: GraphBuilder,
  x: string,
  channels: number,
  kernels: readonly number[],
  style: string,
  dilations: readonly number[],
): string {
  const outs = kernels.map((k) => hifiRes(g, x, channels, k, style, dilations));
  const sum = outs.reduce((a, b) => g.op('Add', [a, b]));
  return outs.length === 1 ? sum : g.op('Mul', [sum, g.f32([], [1 / outs.length])]);
}
