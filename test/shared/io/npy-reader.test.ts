import { setFloat16 } from '@petamoriken/float16';
import { readNpy } from '../../../shared/io/npy-reader';

/** Writes a .npy v1 file the way numpy.save does (header padded to a multiple of 64 bytes). */
function npy(descr: string, shape: number[], body: Uint8Array, fortran = false): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += `${' '.repeat((64 - (total % 64)) % 64)}\n`;
  const out = new Uint8Array(10 + header.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(body, 10 + header.length);
  return out;
}

function float32Body(values: number[], littleEndian = true): Uint8Array {
  const body = new Uint8Array(values.length * 4);
  const view = new DataView(body.buffer);
  values.forEach((v, i) => {
    view.setFloat32(i * 4, v, littleEndian);
  });
  return body;
}

describe('readNpy', () => {
  it('reads a little-endian float32 matrix in row-major order', () => {
    // Prepare
    const file = npy('<f4', [2, 3], float32Body([1, 2, 3, 4, 5, 6]));

    // Act
    const array = readNpy(file);

    // Assess
    expect(array.shape).toEqual([2, 3]);
    expect(array.dtype).toBe('float32');
    expect(Array.from(array.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads big-endian data', () => {
    const array = readNpy(npy('>f4', [3], float32Body([1.5, -2, 1e-3], false)));

    expect(Array.from(array.data)).toEqual([1.5, -2, Math.fround(1e-3)]);
  });

  it('widens float16, keeping infinities and subnormals', () => {
    // Prepare
    const values = [1, -0.5, 65504, Number.NEGATIVE_INFINITY, 2 ** -24];
    const body = new Uint8Array(values.length * 2);
    values.forEach((v, i) => {
      setFloat16(new DataView(body.buffer), i * 2, v, true);
    });

    // Act
    const array = readNpy(npy('<f2', [1, 5], body));

    // Assess
    expect(array.dtype).toBe('float16');
    expect(Array.from(array.data)).toEqual(values);
  });

  it('turns Fortran-ordered data into row-major order', () => {
    // column-major storage of [[1, 2, 3], [4, 5, 6]]
    const array = readNpy(npy('<f4', [2, 3], float32Body([1, 4, 2, 5, 3, 6]), true));

    expect(Array.from(array.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it.each([
    ['a file without the NumPy magic', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), 'magic'],
    ['a header longer than the file', npy('<f4', [1], float32Body([1])).subarray(0, 40), 'truncated'],
    ['a shape the data does not fill', npy('<f4', [1000, 1000], float32Body([1, 2])), 'needs 4000000 bytes'],
    ['an integer dtype', npy('<i4', [1], float32Body([1])), 'unsupported .npy dtype'],
  ])('rejects %s with a typed error', (_name, bytes, message) => {
    expect(() => readNpy(bytes)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => readNpy(bytes)).toThrow(message);
  });
});
