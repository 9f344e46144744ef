// The stand-in KittenTTS graph: same inputs, outputs and length law as the real models
// (waveform = 600 · Σ duration samples), with a per-token text encoder, a duration head, loop-free
// length regulation and a convolutional decoder that upsamples frames ×600 to 24 kHz audio.
// Random weights: it produces noise, not speech. Its cost per second of audio is set by the widths.
import { GraphBuilder } from './graph-builder.js';
import { DataType } from './onnx-writer.js';

export interface StandinShape {
  embed: number;
  hidden: number;
  ffn: number;
  /** Text-encoder blocks; they share one set of weights (as ALBERT does in the real model). */
  textLayers: number;
  /** Channels at frame rate, then after each upsampling (×10, ×6, ×10). */
  channels: readonly [number, number, number, number];
  /** Residual conv blocks at each of the four rates. */
  blocks: readonly [number, number, number, number];
  kernel: number;
}

export const SYMBOL_COUNT = 178;
export const SAMPLES_PER_FRAME = 600;

export function buildStandinGraph(shape: StandinShape, seed: number): { bytes: Uint8Array; parameters: number; nodes: number } {
  const g = new GraphBuilder(seed);
  const ids = g.input('input_ids', DataType.INT64, [1, 'T']);
  const style = g.input('style', DataType.FLOAT, [1, 256]);
  const speed = g.input('speed', DataType.FLOAT, [1]);
  const { embed, hidden, ffn } = shape;

  const axis1 = g.i64([1], [1]);
  const sAc = g.op('Slice', [style, g.i64([1], [0]), g.i64([1], [128]), axis1]);
  const sPr = g.op('Slice', [style, g.i64([1], [128]), g.i64([1], [256]), axis1]);

  // Text encoder: embedding + prosody style, then shared residual MLP blocks with LayerNorm.
  let h = g.op('Gather', [g.weight([SYMBOL_COUNT, embed], 1), ids]);
  h = g.op('MatMul', [h, g.weight([embed, hidden], embed)]);
  h = g.op('Add', [h, g.op('MatMul', [sPr, g.weight([128, hidden], 128)])]);
  const lnScale = g.filled([hidden], 1);
  const lnBias = g.filled([hidden], 0);
  const wa = g.weight([hidden, ffn], hidden);
  const wb = g.weight([ffn, hidden], ffn, 0.5);
  for (let i = 0; i < shape.textLayers; i++) {
    const inner = g.op('MatMul', [g.op('Tanh', [g.op('MatMul', [h, wa])]), wb]);
    h = g.op('LayerNormalization', [g.op('Add', [h, inner]), lnScale, lnBias], { axis: -1 });
  }

  // Duration head: ≈3 frames per token at speed 1, divided by speed, rounded, at least 1.
  const units = g.op('Sigmoid', [g.op('Add', [g.op('MatMul', [h, g.weight([hidden, 8], hidden, 0.3)]), g.filled([8], -0.45)])]);
  let dur = g.op('ReduceSum', [units, g.i64([1], [-1])], { keepdims: 0 });
  dur = g.op('Max', [g.op('Round', [g.op('Div', [dur, speed])]), g.filled([1], 1)]);
  const durations = g.op('Reshape', [g.op('Cast', [dur], { to: DataType.INT64 }), g.i64([1], [-1])]);
  g.opNamed('Identity', [durations], 'duration');
  g.output('duration', DataType.INT64, ['T']);

  // Length regulation without loops: frame f belongs to the first token whose end is past f.
  const ends = g.op('CumSum', [durations, g.i64([], [0])]);
  const total = g.op('ReduceSum', [durations, g.i64([1], [0])], { keepdims: 0 });
  const frameIdx = g.op('Range', [g.i64([], [0]), total, g.i64([], [1])]);
  const past = g.op('GreaterOrEqual', [g.op('Unsqueeze', [frameIdx, g.i64([1], [1])]), g.op('Unsqueeze', [ends, g.i64([1], [0])])]);
  const tokenOfFrame = g.op('ReduceSum', [g.op('Cast', [past], { to: DataType.INT64 }), g.i64([1], [1])], { keepdims: 0 });
  let frames = g.op('Gather', [g.op('Reshape', [h, g.i64([2], [-1, hidden])]), tokenOfFrame], { axis: 0 });
  frames = g.op('Add', [frames, g.op('MatMul', [sAc, g.weight([128, hidden], 128)])]);
  let x = g.op('Transpose', [g.op('Unsqueeze', [frames, g.i64([1], [0])])], { perm: [0, 2, 1] });

  const k = shape.kernel;
  const conv = (input: string, cin: number, cout: number, kernel = k, scale = 1) =>
    g.op('Conv', [input, g.weight([cout, cin, kernel], cin * kernel, scale), g.filled([cout], 0)], {
      kernel_shape: [kernel],
      pads: [Math.floor(kernel / 2), Math.floor(kernel / 2)],
    });
  const block = (input: string, c: number) => {
    const norm = g.op('InstanceNormalization', [input, g.filled([c], 1), g.filled([c], 0)]);
    const y = conv(g.op('LeakyRelu', [norm], { alpha: { float: 0.2 } }), c, c, k, 0.5);
    return g.op('Add', [input, y]);
  };

  const [c0, c1, c2, c3] = shape.channels;
  x = conv(x, hidden, c0);
  for (let i = 0; i < shape.blocks[0]; i++) x = block(x, c0);
  const stages: Array<[number, number, number, number]> = [
    [c0, c1, 10, shape.blocks[1]],
    [c1, c2, 6, shape.blocks[2]],
    [c2, c3, 10, shape.blocks[3]],
  ];
  for (const [cin, cout, stride, blocks] of stages) {
    // ConvTranspose with kernel 2·stride and padding stride/2 gives exactly L·stride outputs.
    x = g.op('LeakyRelu', [x], { alpha: { float: 0.1 } });
    x = g.op('ConvTranspose', [x, g.weight([cin, cout, 2 * stride], cin * 2, 1), g.filled([cout], 0)], {
      kernel_shape: [2 * stride],
      strides: [stride],
      pads: [stride / 2, stride / 2],
    });
    for (let i = 0; i < blocks; i++) x = block(x, cout);
  }
  const post = conv(g.op('InstanceNormalization', [x, g.filled([c3], 1), g.filled([c3], 0)]), c3, 1, k, 0.1);
  g.opNamed('Reshape', [g.op('Tanh', [post]), g.i64([1], [-1])], 'waveform');
  g.output('waveform', DataType.FLOAT, ['N']);
  // ONNX Runtime wants the graph outputs in contract order: waveform first.
  g.outputs.reverse();
  return { bytes: g.encode('kittentts_standin'), parameters: g.parameterCount, nodes: g.nodes.length };
}
