// The per-token half of the stand-in: ALBERT-like text transformer, prosody LSTMs, the duration head
// (the `duration` output and the length law), loop-free length regulation, and the acoustic text
// encoder. Everything here costs per token; the vocoder (standin-vocoder.ts) costs per frame.
import { DataType } from './onnx-writer.js';
import type { GraphBuilder } from './graph-builder.js';
import { applyDense, conv, dense, type Dense } from './weighted-layers.js';
import { STYLE_HALF, biLstm, gelu, layerNorm, leakyRelu, swapLastAxes } from './layers.js';
import type { StandinShape } from './standin-shape.js';

/** Size of the KittenTTS symbol table (upstream's TextCleaner: pad, punctuation, letters, IPA). */
export const SYMBOL_COUNT = 178;

export interface TokenSide {
  /** Frame-rate prosody features [1, tokenChannels, F] for the F0/N heads. */
  prosodyFrames: string;
  /** Frame-rate acoustic text features [1, tokenChannels, F]. */
  asr: string;
}

/** [1, T, d] → [1, T, d]: 12 layers sharing one set of weights, as ALBERT does. */
function textTransformer(g: GraphBuilder, x: string, s: StandinShape): string {
  const { textHidden: h, textHeads: heads, textFfn: ffn } = s;
  const headDim = h / heads;
  const [q, k, v, o] = [0, 1, 2, 3].map(() => dense(g, h, h)) as [Dense, Dense, Dense, Dense];
  const up = dense(g, h, ffn);
  const down = dense(g, ffn, h);
  const norm1 = [g.filledParam([h], 1), g.filledParam([h], 0)];
  const norm2 = [g.filledParam([h], 1), g.filledParam([h], 0)];
  const splitHeads = (t: string, perm: number[]) =>
    g.op('Transpose', [g.op('Reshape', [t, g.i64([4], [1, -1, heads, headDim])])], { perm });
  for (let layer = 0; layer < s.textLayers; layer++) {
    const qh = splitHeads(applyDense(g, x, q), [0, 2, 1, 3]); // [1, H, T, dh]
    const kh = splitHeads(applyDense(g, x, k), [0, 2, 3, 1]); // [1, H, dh, T]
    const vh = splitHeads(applyDense(g, x, v), [0, 2, 1, 3]);
    const scores = g.op('Mul', [g.op('MatMul', [qh, kh]), g.f32([], [1 / Math.sqrt(headDim)])]);
    const ctx = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), vh]);
    const merged = g.op('Reshape', [
      g.op('Transpose', [ctx], { perm: [0, 2, 1, 3] }),
      g.i64([3], [1, -1, h]),
    ]);
    x = g.op('LayerNormalization', [g.op('Add', [x, applyDense(g, merged, o)]), ...norm1], {
      axis: -1,
    });
    const inner = applyDense(g, gelu(g, applyDense(g, x, up)), down);
    x = g.op('LayerNormalization', [g.op('Add', [x, inner]), ...norm2], { axis: -1 });
  }
  return x;
}

export function buildTokenSide(
  g: GraphBuilder,
  s: StandinShape,
  ids: string,
  speed: string,
  sPr: string,
): TokenSide {
  const c = s.tokenChannels;
  const lstmHidden = c / 2;

  // Text transformer → d [1, T, c].
  let x = g.op('Gather', [g.weight([SYMBOL_COUNT, c], 1), ids]);
  x = applyDense(g, x, dense(g, c, s.textHidden));
  x = textTransformer(g, x, s);
  const d = applyDense(g, x, dense(g, s.textHidden, c));

  // Prosody: the style's prosody half joins every LSTM input, as StyleTTS2's duration encoder does.
  const styleShape = g.op('Concat', [g.op('Shape', [ids]), g.i64([1], [STYLE_HALF])], { axis: 0 });
  const styleT = g.op('Expand', [
    g.op('Reshape', [sPr, g.i64([3], [1, 1, STYLE_HALF])]),
    styleShape,
  ]);
  const withStyle = (t: string) => g.op('Concat', [t, styleT], { axis: -1 });
  let p = d;
  for (let i = 0; i < 2; i++)
    p = layerNorm(g, biLstm(g, withStyle(p), c + STYLE_HALF, lstmHidden), c);
  const prosody = withStyle(p); // [1, T, c + 128]

  // Duration: Σ sigmoid over units, ÷ speed, rounded, at least one frame per token.
  const durFeatures = biLstm(g, prosody, c + STYLE_HALF, lstmHidden);
  const units = applyDense(
    g,
    durFeatures,
    dense(g, c, s.durationUnits, { bias: new Array<number>(s.durationUnits).fill(s.durationBias) }),
  );
  const perToken = g.op('ReduceSum', [g.op('Sigmoid', [units]), g.i64([1], [-1])], { keepdims: 0 });
  const rounded = g.op('Max', [g.op('Round', [g.op('Div', [perToken, speed])]), g.f32([1], [1])]);
  const duration = g.opInto(
    'Reshape',
    [g.op('Cast', [rounded], { to: DataType.INT64 }), g.i64([1], [-1])],
    'duration',
  );

  // Length regulation without loops: frame f belongs to the number of token ends ≤ f.
  const ends = g.op('CumSum', [duration, g.i64([], [0])]);
  const frames = g.op('ReduceSum', [duration, g.i64([1], [0])], { keepdims: 0 });
  const frameIndex = g.op('Range', [g.i64([], [0]), frames, g.i64([], [1])]);
  const past = g.op('GreaterOrEqual', [
    g.op('Unsqueeze', [frameIndex, g.i64([1], [1])]),
    g.op('Unsqueeze', [ends, g.i64([1], [0])]),
  ]);
  const tokenOfFrame = g.op(
    'ReduceSum',
    [g.op('Cast', [past], { to: DataType.INT64 }), g.i64([1], [1])],
    { keepdims: 0 },
  );
  const expand = (t: string) => g.op('Gather', [t, tokenOfFrame], { axis: 1 });

  // Frame-rate prosody: one shared LSTM over the expanded features.
  const prosodyFrames = swapLastAxes(g, biLstm(g, expand(prosody), c + STYLE_HALF, lstmHidden));

  // Acoustic text encoder: its own embedding, two convs, an LSTM, then expanded to frames.
  let a = swapLastAxes(g, g.op('Gather', [g.weight([SYMBOL_COUNT, c], 1), ids]));
  for (let i = 0; i < 2; i++) a = leakyRelu(g, conv(g, a, c, c, { kernel: 5 }), 0.2);
  const asr = swapLastAxes(g, expand(biLstm(g, swapLastAxes(g, a), c, lstmHidden)));
  return { prosodyFrames, asr };
}
