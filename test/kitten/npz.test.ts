import { zipSync } from 'fflate';
import { describe, expect, it, vi } from 'vitest';
import { NpzError, readNpy, readNpz, writeNpz } from '../../src/kitten/npz.js';

// Written by numpy 2.4 (np.savez, np.savez_compressed, np.save) from:
//   a = np.arange(6, dtype='<f4').reshape(2, 3) / 4;  b = np.array([1.5, -2.25, 3], '<f4')
//   c = np.array([7, -1], '<i8');  d = np.array(2.5, '>f4')
//   np.savez(f, **{'expr-voice-2-m': a, 'row': b, 'ints': c, 'scalar': d});  np.save(f, a)
// numpy marks every entry zip64 (sizes 0xFFFFFFFF in the local headers), as in KittenTTS voices.npz.
const NUMPY_STORED =
  'UEsDBC0AAAAAAAAAIQAKnACk//////////8SABQAZXhwci12b2ljZS0yLW0ubnB5AQAQAJgAAAAAAAAAmAAAAAAAAACTTlVN' +
  'UFkBAHYAeydkZXNjcic6ICc8ZjQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAg' +
  'ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgCgAAAAAAAIA+AAAAPwAAQD8AAIA/' +
  'AACgP1BLAwQtAAAAAAAAACEA3hPK/f//////////BwAUAHJvdy5ucHkBABAAjAAAAAAAAACMAAAAAAAAAJNOVU1QWQEAdgB7' +
  'J2Rlc2NyJzogJzxmNCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgzLCksIH0gICAgICAgICAgICAgICAg' +
  'ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAADAPwAAEMAAAEBAUEsDBC0AAAAAAAAAIQDg' +
  'ks68//////////8IABQAaW50cy5ucHkBABAAkAAAAAAAAACQAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxpOCcsICdm' +
  'b3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgyLCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg' +
  'ICAgICAgICAgICAgICAgICAgICAgICAgICAKBwAAAAAAAAD//////////1BLAwQtAAAAAAAAACEAllAvdf//////////CgAU' +
  'AHNjYWxhci5ucHkBABAAhAAAAAAAAACEAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJz5mNCcsICdmb3J0cmFuX29yZGVy' +
  'JzogRmFsc2UsICdzaGFwZSc6ICgpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg' +
  'ICAgICAgICAgICAgICAKQCAAAFBLAQItAy0AAAAAAAAAIQAKnACkmAAAAJgAAAASAAAAAAAAAAAAAACAAQAAAABleHByLXZv' +
  'aWNlLTItbS5ucHlQSwECLQMtAAAAAAAAACEA3hPK/YwAAACMAAAABwAAAAAAAAAAAAAAgAHcAAAAcm93Lm5weVBLAQItAy0A' +
  'AAAAAAAAIQDgks68kAAAAJAAAAAIAAAAAAAAAAAAAACAAaEBAABpbnRzLm5weVBLAQItAy0AAAAAAAAAIQCWUC91hAAAAIQA' +
  'AAAKAAAAAAAAAAAAAACAAWsCAABzY2FsYXIubnB5UEsFBgAAAAAEAAQA4wAAACsDAAAAAA==';

const NUMPY_DEFLATED =
  'UEsDBC0AAAAIAAAAIQAKnACk//////////8SABQAZXhwci12b2ljZS0yLW0ubnB5AQAQAJgAAAAAAAAAVgAAAAAAAACb7Bfq' +
  'GxDJyFDGUK2eklqcXKRupaBuk2airqOgnpZfVFKUmBefX5SSChJ3S8wpTgWKF2ckFqQC+RpGOgrGmjoKtQpkAy4GMGiwAxL2' +
  'DAwOQNwAxAvsAVBLAwQtAAAACAAAACEA3hPK/f//////////BwAUAHJvdy5ucHkBABAAjAAAAAAAAABQAAAAAAAAAJvsF+ob' +
  'EMnIUMZQrZ6SWpxcpG6loG6TZqKuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GsY6mjoKtQoUAC4GhgP2DAwCBxgY' +
  'HBwAUEsDBC0AAAAIAAAAIQDgks68//////////8IABQAaW50cy5ucHkBABAAkAAAAAAAAABKAAAAAAAAAJvsF+obEMnIUMZQ' +
  'rZ6SWpxcpG6loG6TaaGuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GkY6mjoKtQoUAC52Bgj4DwUAUEsDBC0AAAAI' +
  'AAAAIQCWUC91//////////8KABQAc2NhbGFyLm5weQEAEACEAAAAAAAAAEYAAAAAAAAAm+wX6hsQychQxlCtnpJanFykbqWg' +
  'bpdmoq6joJ6WX1RSlJgXn1+UkgoSd0vMKU4FihdnJBakAvkamjoKtQoUAS4HBQYGAFBLAQItAy0AAAAIAAAAIQAKnACkVgAA' +
  'AJgAAAASAAAAAAAAAAAAAACAAQAAAABleHByLXZvaWNlLTItbS5ucHlQSwECLQMtAAAACAAAACEA3hPK/VAAAACMAAAABwAA' +
  'AAAAAAAAAAAAgAGaAAAAcm93Lm5weVBLAQItAy0AAAAIAAAAIQDgks68SgAAAJAAAAAIAAAAAAAAAAAAAACAASMBAABpbnRz' +
  'Lm5weVBLAQItAy0AAAAIAAAAIQCWUC91RgAAAIQAAAAKAAAAAAAAAAAAAACAAacBAABzY2FsYXIubnB5UEsFBgAAAAAEAAQA' +
  '4wAAACkCAAAAAA==';

const NUMPY_SAVE_2X3 =
  'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAg' +
  'ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAACAPgAAAD8AAEA/' +
  'AACAPwAAoD8=';
const fromBase64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const ascii = (s: string) => new TextEncoder().encode(s);

/** A version 1.0 .npy file with the given header dict text and body. */
function npy(header: string, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  const text = `${header}\n`;
  const out = new Uint8Array(10 + text.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, text.length, true);
  out.set(ascii(text), 10);
  out.set(body, 10 + text.length);
  return out;
}

describe('readNpz', () => {
  for (const [kind, base64] of [
    ['stored (np.savez)', NUMPY_STORED],
    ['deflated (np.savez_compressed)', NUMPY_DEFLATED],
  ] as const) {
    it(`reads a ${kind} file written by numpy`, () => {
      const arrays = readNpz(fromBase64(base64));
      expect([...arrays.keys()].sort()).toEqual(['expr-voice-2-m', 'ints', 'row', 'scalar']);
      const a = arrays.get('expr-voice-2-m')!;
      expect(a).toMatchObject({ descr: '<f4', fortranOrder: false, shape: [2, 3] });
      expect(a.data).toBeInstanceOf(Float32Array);
      expect([...a.data]).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);
      expect(arrays.get('row')).toMatchObject({ shape: [3] });
      expect([...arrays.get('row')!.data]).toEqual([1.5, -2.25, 3]);
      const ints = arrays.get('ints')!;
      expect(ints).toMatchObject({ descr: '<i8', shape: [2] });
      expect(ints.data).toBeInstanceOf(Uint8Array);
      const view = new DataView(ints.data.buffer, ints.data.byteOffset, ints.data.byteLength);
      expect([view.getBigInt64(0, true), view.getBigInt64(8, true)]).toEqual([7n, -1n]);
      const scalar = arrays.get('scalar')!;
      expect(scalar).toMatchObject({ descr: '>f4', shape: [] });
      expect(new DataView(scalar.data.buffer, scalar.data.byteOffset).getFloat32(0, false)).toBe(
        2.5,
      );
    });
  }

  it('round-trips what writeNpz writes', () => {
    const voice = Float32Array.from({ length: 400 * 256 }, (_, i) => Math.sin(i) * 0.5);
    const bytes = writeNpz({
      'expr-voice-5-m': { shape: [400, 256], data: voice },
      one: { shape: [1], data: Float32Array.of(-0) },
    });
    const arrays = readNpz(bytes);
    expect(arrays.get('expr-voice-5-m')).toMatchObject({
      descr: '<f4',
      fortranOrder: false,
      shape: [400, 256],
    });
    const back = arrays.get('expr-voice-5-m')!.data as Float32Array;
    expect(
      Buffer.from(back.buffer, back.byteOffset, back.byteLength).equals(Buffer.from(voice.buffer)),
    ).toBe(true);
    expect(Object.is(arrays.get('one')!.data[0], -0)).toBe(true);
  });

  it('writes uncompressed entries, as np.savez does', () => {
    const data = new Float32Array(1000).fill(0.5); // compressible: a deflating writer would shrink it
    expect(writeNpz({ x: { shape: [1000], data } }).length).toBeGreaterThan(4000);
  });

  it('writes the same bytes for the same arrays, whenever they are written', () => {
    const arrays = { x: { shape: [2], data: Float32Array.from([1, 2]) } };
    vi.useFakeTimers();
    try {
      vi.setSystemTime(new Date(2026, 0, 1, 12, 0, 0));
      const first = writeNpz(arrays);
      vi.setSystemTime(new Date(2026, 5, 1, 12, 0, 3)); // another zip (DOS) date and 2-second slot
      expect(Buffer.from(writeNpz(arrays)).equals(Buffer.from(first))).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects a truncated zip', () => {
    const bytes = writeNpz({ x: { shape: [2, 2], data: new Float32Array(4) } });
    expect(() => readNpz(bytes.subarray(0, bytes.length - 30))).toThrow(NpzError);
    expect(() => readNpz(fromBase64(NUMPY_DEFLATED).subarray(0, 300))).toThrow(NpzError);
  });

  it('rejects bytes that are not a zip', () => {
    expect(() => readNpz(ascii('definitely not a zip file'))).toThrow(/not a valid \.npz/);
  });

  it('names the entry that is broken', () => {
    const zip = zipSync({
      'good.npy': npy(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }",
        new Uint8Array(4),
      ),
      'bad.npy': ascii('nope'),
    });
    expect(() => readNpz(zip)).toThrow(/bad\.npy: not a \.npy file/);
  });
});

describe('readNpy', () => {
  it('reads the header numpy writes', () => {
    const a = readNpy(fromBase64(NUMPY_SAVE_2X3));
    expect(a).toMatchObject({ descr: '<f4', fortranOrder: false, shape: [2, 3] });
  });

  it('writes byte for byte what np.save writes', () => {
    const data = Float32Array.from([0, 0.25, 0.5, 0.75, 1, 1.25]);
    const entry = readNpz(writeNpz({ a: { shape: [2, 3], data } })).get('a')!;
    expect(entry.data).toEqual(data);
    const zip = writeNpz({ a: { shape: [2, 3], data } });
    const numpy = fromBase64(NUMPY_SAVE_2X3);
    // The stored entry's bytes appear verbatim inside the zip.
    expect(Buffer.from(zip).includes(Buffer.from(numpy))).toBe(true);
  });

  it('reads format 2.0 headers', () => {
    const v1 = npy(
      "{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }",
      new Uint8Array(new Float32Array([1, 2]).buffer),
    );
    const headerLen = new DataView(v1.buffer).getUint16(8, true);
    const v2 = new Uint8Array(v1.length + 2);
    v2.set(v1.subarray(0, 8));
    v2[6] = 2;
    new DataView(v2.buffer).setUint32(8, headerLen, true);
    v2.set(v1.subarray(10), 12);
    expect(readNpy(v2)).toMatchObject({
      fortranOrder: true,
      shape: [2],
      data: Float32Array.of(1, 2),
    });
  });

  it('rejects object and structured dtypes', () => {
    expect(() =>
      readNpy(npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8))),
    ).toThrow(/unsupported \.npy dtype '\|O'/);
    expect(() =>
      readNpy(
        npy(
          "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }",
          new Uint8Array(4),
        ),
      ),
    ).toThrow(NpzError);
  });

  it('rejects a bad shape', () => {
    expect(() =>
      readNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 256), }")),
    ).toThrow(/bad dimension '-1'/);
    expect(() =>
      readNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2.5,), }")),
    ).toThrow(NpzError);
  });

  it('rejects data shorter than the shape says', () => {
    expect(() =>
      readNpy(
        npy(
          "{'descr': '<f4', 'fortran_order': False, 'shape': (400, 256), }",
          new Uint8Array(1024),
        ),
      ),
    ).toThrow(/truncated \.npy data: shape \(400, 256\) of '<f4' needs 409600 bytes, found 1024/);
  });

  it('rejects a bad magic and a truncated header', () => {
    expect(() => readNpy(ascii('PK\x03\x04 not numpy at all'))).toThrow(/bad magic/);
    expect(() => readNpy(fromBase64(NUMPY_SAVE_2X3).subarray(0, 40))).toThrow(
      /truncated \.npy header/,
    );
  });

  it('throws NpzError instances with their own name', () => {
    try {
      readNpy(new Uint8Array(3));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(NpzError);
      expect((err as Error).name).toBe('NpzError');
    }
  });
});

describe('writeNpz', () => {
  it('refuses a shape that does not match the data', () => {
    expect(() => writeNpz({ x: { shape: [3, 3], data: new Float32Array(8) } })).toThrow(NpzError);
  });
});
