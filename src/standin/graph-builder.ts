// A small builder for ONNX graphs: deterministic random initializers and one call per node, so the
// stand-in architecture reads like the model it imitates rather than like protobuf plumbing.
import { DataType, type AttrValue, type Node, type Tensor, type ValueInfo, encodeModel } from './onnx-writer.js';

/** mulberry32: a tiny, fast, well-distributed deterministic PRNG. */
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

function bytesOf(a: Float32Array | BigInt64Array | Uint8Array | Int32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

export class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly initializers: Tensor[] = [];
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  private counter = 0;
  readonly rng: () => number;
  parameterCount = 0;

  constructor(seed: number) {
    this.rng = createRng(seed);
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

  f32(dims: number[], data: Float32Array | number[], prefix = 'c'): string {
    const name = this.fresh(prefix);
    const arr = data instanceof Float32Array ? data : Float32Array.from(data);
    this.initializers.push({ name, dataType: DataType.FLOAT, dims, raw: bytesOf(arr) });
    return name;
  }

  i64(dims: number[], values: number[], prefix = 'k'): string {
    const name = this.fresh(prefix);
    this.initializers.push({ name, dataType: DataType.INT64, dims, raw: bytesOf(BigInt64Array.from(values.map(BigInt))) });
    return name;
  }

  u8(dims: number[], data: Uint8Array, prefix = 'q'): string {
    const name = this.fresh(prefix);
    this.initializers.push({ name, dataType: DataType.UINT8, dims, raw: data });
    return name;
  }

  /** Weights drawn from U(±scale·√(3/fanIn)): unit-variance activations with random weights. */
  weight(dims: number[], fanIn: number, scale = 1): string {
    const n = dims.reduce((a, b) => a * b, 1);
    const bound = scale * Math.sqrt(3 / fanIn);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = (this.rng() * 2 - 1) * bound;
    this.parameterCount += n;
    return this.f32(dims, data, 'w');
  }

  filled(dims: number[], value: number): string {
    const n = dims.reduce((a, b) => a * b, 1);
    return this.f32(dims, new Float32Array(n).fill(value), 'b');
  }

  op(opType: string, inputs: string[], attributes?: Record<string, AttrValue>, outputs = 1): string {
    return this.opMulti(opType, inputs, attributes, outputs)[0]!;
  }

  opMulti(opType: string, inputs: string[], attributes?: Record<string, AttrValue>, outputs = 1): string[] {
    const outs = Array.from({ length: outputs }, () => this.fresh(opType.toLowerCase()));
    this.nodes.push({ opType, inputs, outputs: outs, attributes });
    return outs;
  }

  /** Like op() but writes to a chosen output name (graph outputs). */
  opNamed(opType: string, inputs: string[], output: string, attributes?: Record<string, AttrValue>): string {
    this.nodes.push({ opType, inputs, outputs: [output], attributes });
    return output;
  }

  encode(name: string): Uint8Array {
    return encodeModel({ name, nodes: this.nodes, initializers: this.initializers, inputs: this.inputs, outputs: this.outputs });
  }
}
