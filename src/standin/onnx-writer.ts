// A minimal protobuf encoder for the ONNX messages the stand-in generator needs (ModelProto and what
// it contains). Hand-written because it is ~150 lines; a protobuf dependency for it would not be.
// Field numbers are those of onnx/onnx.proto3.

const utf8 = new TextEncoder();

/** An append-only protobuf message writer; `finish()` concatenates the pieces once. */
class Pb {
  private chunks: Uint8Array[] = [];
  private size = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.size += bytes.length;
  }

  private varintRaw(value: number | bigint): void {
    // Negative int64 values are written as their two's complement (10 bytes), as protobuf does.
    let v = BigInt.asUintN(64, BigInt(value));
    const out: number[] = [];
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.push(Uint8Array.from(out));
  }

  varint(field: number, value: number | bigint): this {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw new RangeError(`protobuf field ${field}: ${value} is not an integer`);
    }
    this.varintRaw(field << 3);
    this.varintRaw(value);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.varintRaw((field << 3) | 2);
    this.varintRaw(value.length);
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  float(field: number, value: number): this {
    this.varintRaw((field << 3) | 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  message(field: number, value: Pb): this {
    return this.bytes(field, value.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9 } as const;

export interface Tensor {
  name: string;
  dataType: number;
  dims: readonly number[];
  /** Exactly the tensor's little-endian element bytes. */
  raw: Uint8Array;
}

/** int → INT, string → STRING, number[] → INTS, {float} → FLOAT, {floats} → FLOATS, {tensor} → TENSOR. */
export type AttrValue =
  | number
  | string
  | readonly number[]
  | { float: number }
  | { floats: readonly number[] }
  | { tensor: Tensor };

export interface Node {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  attributes?: Readonly<Record<string, AttrValue>> | undefined;
}

export interface ValueInfo {
  name: string;
  elemType: number;
  /** Numbers are fixed sizes, strings symbolic dimensions. */
  shape: readonly (number | string)[];
}

export interface Graph {
  name: string;
  nodes: readonly Node[];
  initializers: readonly Tensor[];
  inputs: readonly ValueInfo[];
  outputs: readonly ValueInfo[];
}

export interface EncodeModelOptions {
  /** ONNX Runtime 1.30 accepts IR 8–10 with opsets 17–21 (IR 13 / opset 27 are rejected). */
  irVersion?: number;
  opset?: number;
  producerName?: string;
  docString?: string;
}

function tensorPb(t: Tensor): Pb {
  const pb = new Pb();
  for (const d of t.dims) pb.varint(1, d);
  return pb.varint(2, t.dataType).string(8, t.name).bytes(9, t.raw);
}

function isList(value: AttrValue): value is readonly number[] {
  return Array.isArray(value);
}

// AttributeProto.type (field 20) is required: ONNX Runtime rejects attributes without it.
function attributePb(name: string, value: AttrValue): Pb {
  const pb = new Pb().string(1, name);
  if (typeof value === 'number') return pb.varint(3, value).varint(20, 2);
  if (typeof value === 'string') return pb.bytes(4, utf8.encode(value)).varint(20, 3);
  if (isList(value)) {
    for (const v of value) pb.varint(8, v);
    return pb.varint(20, 7);
  }
  if ('float' in value) return pb.float(2, value.float).varint(20, 1);
  if ('floats' in value) {
    for (const v of value.floats) pb.float(7, v);
    return pb.varint(20, 6);
  }
  return pb.message(5, tensorPb(value.tensor)).varint(20, 4);
}

function valueInfoPb(v: ValueInfo): Pb {
  const shape = new Pb();
  for (const d of v.shape) {
    shape.message(1, typeof d === 'number' ? new Pb().varint(1, d) : new Pb().string(2, d));
  }
  const tensorType = new Pb().varint(1, v.elemType).message(2, shape);
  return new Pb().string(1, v.name).message(2, new Pb().message(1, tensorType));
}

function nodePb(node: Node): Pb {
  const n = new Pb();
  for (const i of node.inputs) n.string(1, i);
  for (const o of node.outputs) n.string(2, o);
  if (node.name) n.string(3, node.name);
  n.string(4, node.opType);
  for (const [k, v] of Object.entries(node.attributes ?? {})) n.message(5, attributePb(k, v));
  return n;
}

/** Serializes a ModelProto with one default-domain opset import. */
export function encodeModel(graph: Graph, options: EncodeModelOptions = {}): Uint8Array {
  const g = new Pb();
  for (const node of graph.nodes) g.message(1, nodePb(node));
  g.string(2, graph.name);
  for (const t of graph.initializers) g.message(5, tensorPb(t));
  for (const i of graph.inputs) g.message(11, valueInfoPb(i));
  for (const o of graph.outputs) g.message(12, valueInfoPb(o));
  const model = new Pb()
    .varint(1, options.irVersion ?? 8)
    .string(2, options.producerName ?? 'kittentts-gateway standin');
  if (options.docString) model.string(6, options.docString);
  return model
    .message(7, g)
    .message(8, new Pb().string(1, '').varint(2, options.opset ?? 17))
    .finish();
}
