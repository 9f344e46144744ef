// A tiny ONNX graph-building DSL: deterministic random parameters, cached constants and one call per
// node, so the stand-in architecture reads like the model it imitates rather than like protobuf
// plumbing. The weighted layers (dense, conv) live in weighted-layers.ts.
import {
  DataType,
  encodeModel,
  type AttrValue,
  type EncodeModelOptions,
  type Node,
  type Tensor,
  type ValueInfo,
} from './onnx-writer.js';

/** mulberry32: a tiny, fast, well-distributed deterministic PRNG returning [0, 1). */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Never `new Uint8Array(a.buffer)`: a subarray's buffer holds more than its elements.
function bytesOf(a: Float32Array | BigInt64Array | Uint8Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

export interface GraphBuilderOptions {
  seed: number;
  /** Dynamic int8 quantization of dense and conv layers (uint8 weights, zero point 128). */
  quantize?: boolean;
}

export class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly initializers: Tensor[] = [];
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  readonly rng: () => number;
  readonly quantize: boolean;
  /** Trainable-parameter count (weights, biases, norm and Snake parameters). */
  parameterCount = 0;
  private counter = 0;
  private readonly constants = new Map<string, string>();

  constructor(options: GraphBuilderOptions) {
    this.rng = createRng(options.seed);
    this.quantize = options.quantize ?? false;
  }

  private fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  input(name: string, elemType: number, shape: (number | string)[]): string {
    this.inputs.push({ name, elemType, shape });
    return name;
  }

  output(name: string, elemType: number, shape: (number | string)[]): void {
    this.outputs.push({ name, elemType, shape });
  }

  tensor(
    dataType: number,
    dims: readonly number[],
    data: Float32Array | BigInt64Array | Uint8Array,
    prefix: string,
  ): string {
    const name = this.fresh(prefix);
    this.initializers.push({ name, dataType, dims, raw: bytesOf(data) });
    return name;
  }

  /** A float parameter with the given values (counted as trainable). */
  param(dims: readonly number[], data: Float32Array, prefix = 'p'): string {
    this.parameterCount += data.length;
    return this.tensor(DataType.FLOAT, dims, data, prefix);
  }

  /** Uniform U(±scale·√(3/fanIn)) values: unit-variance outputs for unit-variance inputs. */
  uniform(count: number, fanIn: number, scale = 1): Float32Array {
    const bound = scale * Math.sqrt(3 / fanIn);
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = (this.rng() * 2 - 1) * bound;
    return data;
  }

  weight(dims: readonly number[], fanIn: number, scale = 1): string {
    return this.param(dims, this.uniform(size(dims), fanIn, scale), 'w');
  }

  filledParam(dims: readonly number[], value: number): string {
    return this.param(dims, new Float32Array(size(dims)).fill(value), 'b');
  }

  /** A cached float constant (not a parameter). */
  f32(dims: readonly number[], values: readonly number[]): string {
    return this.cached(`f${dims.join('x')}:${values.join(',')}`, () =>
      this.tensor(DataType.FLOAT, dims, Float32Array.from(values), 'cf'),
    );
  }

  /** A cached int64 constant: shapes, axes, slice bounds. */
  i64(dims: readonly number[], values: readonly number[]): string {
    return this.cached(`i${dims.join('x')}:${values.join(',')}`, () =>
      this.tensor(
        DataType.INT64,
        dims,
        BigInt64Array.from(values, (v) => BigInt(v)),
        'ci',
      ),
    );
  }

  /** The uint8 zero point of every quantized weight. */
  zeroPoint128(): string {
    return this.cached('u8:128', () => this.tensor(DataType.UINT8, [], Uint8Array.of(128), 'zq'));
  }

  private cached(key: string, make: () => string): string {
    let name = this.constants.get(key);
    if (name === undefined) {
      name = make();
      this.constants.set(key, name);
    }
    return name;
  }

  op(opType: string, inputs: readonly string[], attributes?: Record<string, AttrValue>): string {
    return this.opMulti(opType, inputs, 1, attributes)[0]!;
  }

  opMulti(
    opType: string,
    inputs: readonly string[],
    outputs: number,
    attributes?: Record<string, AttrValue>,
  ): string[] {
    const outs = Array.from({ length: outputs }, () => this.fresh(opType.toLowerCase()));
    this.nodes.push({ opType, inputs, outputs: outs, attributes });
    return outs;
  }

  /** A node writing to a chosen name (graph outputs). */
  opInto(
    opType: string,
    inputs: readonly string[],
    output: string,
    attributes?: Record<string, AttrValue>,
  ): string {
    this.nodes.push({ opType, inputs, outputs: [output], attributes });
    return output;
  }

  encode(name: string, options?: EncodeModelOptions): Uint8Array {
    const { nodes, initializers, inputs, outputs } = this;
    return encodeModel({ name, nodes, initializers, inputs, outputs }, options);
  }
}

export function size(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}
