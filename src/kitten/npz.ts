// NumPy .npy/.npz codec without native dependencies: voices.npz is a zip (stored by np.savez,
// deflated by np.savez_compressed) of .npy arrays. Reads what numpy writes (format 1.0–3.0 headers)
// and fails with an NpzError naming the problem on anything else; writes what np.savez writes.
import { unzipSync, zipSync } from 'fflate';

export class NpzError extends Error {
  override name = 'NpzError';
}

export interface NpyArray {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Float32Array for '<f4' (little-endian float32), the raw element bytes otherwise. */
  data: Float32Array | Uint8Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
// A simple dtype: byte order, kind, item size ('<f4', '|u1', '<i8', '|b1', '<c8', …).
const SIMPLE_DESCR = /^[<>|=]([biufc])(\d+)$/;

function parseShape(text: string): number[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!/^\d+L?$/.test(s) || !Number.isSafeInteger(n))
        throw new NpzError(`bad dimension '${s}' in .npy shape`);
      return n;
    });
}

function parseHeader(text: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new NpzError(
      `malformed .npy header (only plain dtypes are supported): ${text.trim().slice(0, 120)}`,
    );
  }
  return { descr, fortranOrder: fortran === 'True', shape: parseShape(shapeText) };
}

/** Item size in bytes of a plain numeric dtype; object arrays (pickles) and the like are refused. */
function itemSize(descr: string): number {
  const m = SIMPLE_DESCR.exec(descr);
  const size = m ? Number(m[2]) : 0;
  if (!m || !(size > 0 && size <= 16)) throw new NpzError(`unsupported .npy dtype '${descr}'`);
  return size;
}

export function readNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m))
    throw new NpzError('not a .npy file (bad magic)');
  const major = bytes[6]!;
  if (major < 1 || major > 3)
    throw new NpzError(`unsupported .npy format version ${major}.${bytes[7]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = major === 1 ? 10 : 12;
  if (bytes.length < start) throw new NpzError('truncated .npy header');
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (start + headerLen > bytes.length) throw new NpzError('truncated .npy header');
  const headerText = new TextDecoder(major >= 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(start, start + headerLen),
  );
  const header = parseHeader(headerText);
  const byteLength = header.shape.reduce((a, b) => a * b, 1) * itemSize(header.descr);
  const body = bytes.subarray(start + headerLen);
  if (body.length < byteLength) {
    throw new NpzError(
      `truncated .npy data: shape (${header.shape.join(', ')}) of '${header.descr}' needs ${byteLength} bytes, found ${body.length}`,
    );
  }
  if (header.descr === '<f4') {
    // Copy into a fresh, aligned buffer: the entry may start at any byte offset of the zip.
    const data = new Float32Array(byteLength / 4);
    new Uint8Array(data.buffer).set(body.subarray(0, byteLength));
    return { ...header, data };
  }
  return { ...header, data: body.slice(0, byteLength) };
}

/** Arrays of an .npz by key (entry name without ".npy"). */
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

/** One C-order '<f4' array as a version 1.0 .npy file, byte for byte as numpy writes it. */
export function writeNpy(shape: readonly number[], data: Float32Array): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0) || count !== data.length) {
    throw new NpzError(`shape (${shape.join(', ')}) does not match ${data.length} values`);
  }
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  // numpy pads with spaces so the data starts on a 64-byte boundary, and ends the header with \n.
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

/** Every entry's zip timestamp: the same bytes for the same arrays, whenever they are written. */
const ZIP_MTIME = new Date(1980, 0, 1);

/** An uncompressed .npz of '<f4' arrays, as np.savez writes (the layout of KittenTTS voices.npz). */
export function writeNpz(
  arrays: Record<string, { shape: number[]; data: Float32Array }>,
): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0; mtime: Date }]> = {};
  for (const [key, { shape, data }] of Object.entries(arrays)) {
    files[`${key}.npy`] = [writeNpy(shape, data), { level: 0, mtime: ZIP_MTIME }];
  }
  return zipSync(files);
}
