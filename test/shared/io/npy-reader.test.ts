import { readNpy } from '../../../shared/io/npy-reader';
import { encodeNpy, float16Bytes, float32Bytes as float32Body } from '../../helpers/npy';

const npy = (descr: string, shape: number[], body: Uint8Array, fortranOrder = false): Uint8Array =>
  encodeNpy(descr, shape, body, { fortranOrder });

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
    const body = float16Bytes(values);

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
