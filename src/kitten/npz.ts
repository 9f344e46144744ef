// NumPy .npy/.npz codec without native dependencies: voices.npz is a zip (stored or deflated) of
// .npy arrays. Reads what numpy writes (format 1.0–3.0 headers) and fails clearly on anything else.
import { unzipSync, zipSync } from 'fflate';

export class NpzError extends Error {}

export interface NpyArray {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Float32Array for '<f4' (little-endian float32), the raw element bytes otherwise. */
  data: Float32Array | Uint8Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function parseHeader(text: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new NpzError(`malformed .npy header: ${text.trim().slice(0, 120)}`);
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isSafeInteger(n) || n < 0) throw new NpzError(`bad dimension '${s}' in .npy shape`);
      return n;
    });
  return { descr, fortranOrder: fortran === 'True', shape };
}

export function readNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) throw new NpzError('not a .npy file (bad magic)');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) throw new NpzError('truncated .npy header');
  const header = parseHeader(new TextDecoder(major >= 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen)));
  const body = bytes.subarray(start + headerLen);
  const count = header.shape.reduce((a, b) => a * b, 1);
  if (header.descr === '<f4') {
    if (body.length < count * 4) throw new NpzError(`truncated .npy data: expected ${count * 4} bytes, got ${body.length}`);
    // Copy into an aligned buffer: the zip entry may start at any byte offset.
    const data = new Float32Array(count);
    new Uint8Array(data.buffer).set(body.subarray(0, count * 4));
    return { ...header, data };
  }
  return { ...header, data: body.slice() };
}

export function readNpz(bytes: Uint8Array): Map<string, NpyArray> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (err) {
    throw new NpzError(`not a valid .npz (zip) file: ${(err as Error).message}`);
  }
  const out = new Map<string, NpyArray>();
  for (const [name, entry] of Object.entries(entries)) {
    if (!name.endsWith('.npy')) continue;
    try {
      out.set(name.slice(0, -4), readNpy(entry));
    } catch (err) {
      throw new NpzError(`${name}: ${(err as Error).message}`);
    }
  }
  return out;
}

export function writeNpy(shape: readonly number[], data: Float32Array): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  // numpy pads the header with spaces so the data starts on a 64-byte boundary, ending in \n.
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

/** Writes an uncompressed .npz, as np.savez does. */
export function writeNpz(arrays: Record<string, { shape: number[]; data: Float32Array }>): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 }]> = {};
  for (const [key, { shape, data }] of Object.entries(arrays)) files[`${key}.npy`] = [writeNpy(shape, data), { level: 0 }];
  return zipSync(files);
}
