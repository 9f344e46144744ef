// The weighted layers of the stand-in: dense, conv and transposed conv. Dense and conv change form in
// the int8 variant (DynamicQuantizeLinear → MatMulInteger/ConvInteger with uint8 weights → rescale),
// as onnxruntime's dynamic quantizer rewrites them in the real kitten-tts-nano int8 model.
import { DataType, type AttrValue } from './onnx-writer.js';
import { size, type GraphBuilder } from './graph-builder.js';

/** Per-tensor symmetric uint8 weights around zero point 128 (onnxruntime quantize_dynamic, QUInt8). */
export function quantizeWeights(w: Float32Array): { q: Uint8Array; scale: number } {
  let max = 0;
  for (const v of w) max = Math.max(max, Math.abs(v));
  const scale = max > 0 ? max / 127 : 1;
  const q = new Uint8Array(w.length);
  for (let i = 0; i < w.length; i++)
    q[i] = Math.min(255, Math.max(0, Math.round(w[i]! / scale) + 128));
  return { q, scale };
}

export interface QuantizedWeight {
  q: string;
  zero: string;
  scale: number;
}

export function quantizedWeight(
  g: GraphBuilder,
  w: Float32Array,
  dims: readonly number[],
): QuantizedWeight {
  const { q, scale } = quantizeWeights(w);
  g.parameterCount += w.length;
  return { q: g.tensor(DataType.UINT8, dims, q, 'wq'), zero: g.zeroPoint128(), scale };
}

/** x (uint8 via DynamicQuantizeLinear) ⊗ w (uint8) → int32 → float · x_scale · w_scale. */
function integerOp(
  g: GraphBuilder,
  opType: 'MatMulInteger' | 'ConvInteger',
  x: string,
  w: QuantizedWeight,
  attributes?: Record<string, AttrValue>,
): string {
  const [xq, xScale, xZero] = g.opMulti('DynamicQuantizeLinear', [x], 3) as [
    string,
    string,
    string,
  ];
  const acc = g.op(opType, [xq, w.q, xZero, w.zero], attributes);
  const scales = g.op('Mul', [xScale, g.f32([], [w.scale])]);
  return g.op('Mul', [g.op('Cast', [acc], { to: DataType.FLOAT }), scales]);
}

export interface Dense {
  inDim: number;
  outDim: number;
  w: Float32Array;
  /** Initializer names, created on first use so shared layers are stored once. */
  wName?: string;
  wq?: QuantizedWeight;
  bias: string | null;
}

/** A dense layer [in → out]; apply it (several times if shared) with applyDense. */
export function dense(
  g: GraphBuilder,
  inDim: number,
  outDim: number,
  options: { scale?: number; bias?: number[] | false } = {},
): Dense {
  const w = g.uniform(inDim * outDim, inDim, options.scale ?? 1);
  const bias =
    options.bias === false
      ? null
      : g.param(
          [outDim],
          Float32Array.from(options.bias ?? new Array<number>(outDim).fill(0)),
          'b',
        );
  return { inDim, outDim, w, bias };
}

export function applyDense(g: GraphBuilder, x: string, d: Dense): string {
  let y: string;
  if (g.quantize && d.inDim >= 64 && d.outDim >= 64) {
    d.wq ??= quantizedWeight(g, d.w, [d.inDim, d.outDim]);
    y = integerOp(g, 'MatMulInteger', x, d.wq);
  } else {
    d.wName ??= g.param([d.inDim, d.outDim], d.w, 'w');
    y = g.op('MatMul', [x, d.wName]);
  }
  return d.bias ? g.op('Add', [y, d.bias]) : y;
}

export interface ConvOptions {
  kernel: number;
  stride?: number;
  dilation?: number;
  /** Symmetric padding; default keeps the length at stride 1 ("same"). */
  pad?: number;
  group?: number;
  /** Multiplies the initial weights (e.g. 0.1 on the last conv so Exp cannot overflow). */
  scale?: number;
  bias?: boolean;
}

/** Conv1d on [1, cin, L]; quantized in the int8 variant when cin ≥ 16, like the real int8 models. */
export function conv(
  g: GraphBuilder,
  x: string,
  cin: number,
  cout: number,
  options: ConvOptions,
): string {
  const { kernel, stride = 1, dilation = 1, group = 1 } = options;
  const pad = options.pad ?? (dilation * (kernel - 1)) / 2;
  const dims = [cout, cin / group, kernel];
  const w = g.uniform(size(dims), (cin / group) * kernel, options.scale ?? 1);
  const attributes = {
    kernel_shape: [kernel],
    strides: [stride],
    dilations: [dilation],
    pads: [pad, pad],
    group,
  };
  const withBias = options.bias ?? true;
  if (g.quantize && cin >= 16) {
    const y = integerOp(g, 'ConvInteger', x, quantizedWeight(g, w, dims), attributes);
    return withBias ? g.op('Add', [y, g.filledParam([cout, 1], 0)]) : y;
  }
  const inputs = [x, g.param(dims, w, 'w')];
  if (withBias) inputs.push(g.filledParam([cout], 0));
  return g.op('Conv', inputs, attributes);
}

export interface ConvTransposeOptions {
  kernel: number;
  stride: number;
  pads: [number, number];
  outputPadding?: number;
  group?: number;
}

/** ConvTranspose1d (kept float in the int8 variant, as in the real int8 models). */
export function convTranspose(
  g: GraphBuilder,
  x: string,
  cin: number,
  cout: number,
  options: ConvTransposeOptions,
): string {
  const { kernel, stride, pads, group = 1 } = options;
  // Each output sample sums cin/group · kernel/stride products.
  const fanIn = (cin / group) * Math.max(1, kernel / stride);
  const w = g.weight([cin, cout / group, kernel], fanIn);
  return g.op('ConvTranspose', [x, w, g.filledParam([cout], 0)], {
    kernel_shape: [kernel],
    strides: [stride],
    pads,
    group,
    ...(options.outputPadding ? { output_padding: [options.outputPadding] } : {}),
  });
}
