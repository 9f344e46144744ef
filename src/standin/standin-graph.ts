// Assembles the stand-in KittenTTS graph: the real models' inputs and outputs (input_ids int64 [1,T],
// style f32 [1,256], speed f32 [1] → waveform f32 [N], duration int64 [T]) and length law
// (N = 600 · Σ duration), with random weights. Standard ONNX ops only, opset 17, IR 8.
import { GraphBuilder } from './graph-builder.js';
import { STYLE_HALF } from './layers.js';
import { DataType } from './onnx-writer.js';
import type { StandinShape } from './standin-shape.js';
import { buildTokenSide } from './standin-text.js';
import { buildVocoder } from './standin-vocoder.js';

export interface StandinGraph {
  bytes: Uint8Array;
  parameters: number;
  nodes: number;
}

export interface BuildStandinGraphOptions {
  seed: number;
  /** The int8 variant: dense layers ≥ 64×64 and convs with ≥ 16 input channels become integer ops. */
  quantize?: boolean;
}

export function buildStandinGraph(
  shape: StandinShape,
  options: BuildStandinGraphOptions,
): StandinGraph {
  const g = new GraphBuilder({ seed: options.seed, quantize: options.quantize ?? false });
  const ids = g.input('input_ids', DataType.INT64, [1, 'T']);
  const style = g.input('style', DataType.FLOAT, [1, 2 * STYLE_HALF]);
  const speed = g.input('speed', DataType.FLOAT, [1]);
  // Like StyleTTS2: the first half of the style vector drives the decoder, the second the prosody.
  const axis1 = g.i64([1], [1]);
  const sAc = g.op('Slice', [style, g.i64([1], [0]), g.i64([1], [STYLE_HALF]), axis1]);
  const sPr = g.op('Slice', [style, g.i64([1], [STYLE_HALF]), g.i64([1], [2 * STYLE_HALF]), axis1]);

  const tokenSide = buildTokenSide(g, shape, ids, speed, sPr);
  buildVocoder(g, shape, tokenSide, sAc, sPr);
  // Contract order: waveform first (Python reads outputs[0]), then duration.
  g.output('waveform', DataType.FLOAT, ['N']);
  g.output('duration', DataType.INT64, ['T']);
  return {
    bytes: g.encode('kittentts_standin', { irVersion: 8, opset: 17 }),
    parameters: g.parameterCount,
    nodes: g.nodes.length,
  };
}
