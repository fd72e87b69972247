import { getFloat16 } from '@petamoriken/float16';
import { InvalidInputError } from '../errors';

/** A numeric array read from a NumPy `.npy` file, widened to float32, row-major. */
export interface NpyArray {
  readonly data: Float32Array;
  readonly shape: readonly number[];
  readonly dtype: 'float16' | 'float32' | 'float64';
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const MAX_HEADER_BYTES = 65_536;
const DTYPES: Record<string, { dtype: NpyArray['dtype']; bytes: number }> = {
  f2: { dtype: 'float16', bytes: 2 },
  f4: { dtype: 'float32', bytes: 4 },
  f8: { dtype: 'float64', bytes: 8 },
};

/**
 * Parses a `.npy` file (format versions 1–3) holding float16/32/64 data.
 * Hand-written rather than taken from npm: the available readers fetch over the network, trust the header's
 * shape for allocation and skip Fortran order; here every header field is checked against the byte count first.
 */
export function readNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new InvalidInputError('not a NumPy .npy file: the magic string "\\x93NUMPY" is missing');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = view.getUint8(6);
  if (major < 1 || major > 3) throw new InvalidInputError(`unsupported .npy format version ${major}`);
  const headerLength =
    major === 1 ? view.getUint16(8, true) : bytes.length >= 12 ? view.getUint32(8, true) : -1;
  const headerStart = major === 1 ? 10 : 12;
  if (headerLength < 0 || headerLength > MAX_HEADER_BYTES || headerStart + headerLength > bytes.length) {
    throw new InvalidInputError('truncated .npy file: the header runs past the end of the file');
  }
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(headerStart, headerStart + headerLength),
  );
  const { littleEndian, kind, fortranOrder, shape } = parseHeader(header);
  const element = DTYPES[kind];
  if (element === undefined) {
    throw new InvalidInputError(
      `unsupported .npy dtype "${kind}": expected float16, float32 or float64 (f2/f4/f8)`,
    );
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = headerStart + headerLength;
  const available = bytes.length - dataStart;
  if (!Number.isSafeInteger(count) || count * element.bytes !== available) {
    throw new InvalidInputError(
      `.npy data size mismatch: shape [${shape.join(', ')}] of ${element.dtype} needs ${count * element.bytes} bytes, ` +
        `the file has ${available}`,
    );
  }
  const raw = new DataView(bytes.buffer, bytes.byteOffset + dataStart, available);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const offset = i * element.bytes;
    data[i] =
      element.bytes === 2
        ? getFloat16(raw, offset, littleEndian)
        : element.bytes === 4
          ? raw.getFloat32(offset, littleEndian)
          : raw.getFloat64(offset, littleEndian);
  }
  return { data: fortranOrder ? toRowMajor(data, shape) : data, shape, dtype: element.dtype };
}

interface NpyHeader {
  littleEndian: boolean;
  kind: string;
  fortranOrder: boolean;
  shape: number[];
}

function parseHeader(header: string): NpyHeader {
  const descr = /'descr'\s*:\s*'([<>|=])([a-z]\d+)'/.exec(header);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shapeMatch = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (descr === null || fortran === null || shapeMatch === null) {
    throw new InvalidInputError('malformed .npy header: expected descr, fortran_order and shape');
  }
  // Groups that are not optional always hold a string in a match.
  const [, byteOrder, kind = ''] = descr;
  const [, shapeText = ''] = shapeMatch;
  const shape = shapeText
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      if (!/^\d+$/.test(part)) throw new InvalidInputError(`malformed .npy shape entry "${part}"`);
      return Number(part);
    });
  return {
    littleEndian: byteOrder !== '>',
    kind,
    fortranOrder: fortran[1] === 'True',
    shape,
  };
}

function toRowMajor(data: Float32Array, shape: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  for (let i = 0; i < data.length; i++) {
    // Fortran order: the first index varies fastest; compute the C-order offset of the same element.
    let c = 0;
    for (let d = 0; d < rank; d++) c = c * shape[d]! + index[d]!;
    out[c] = data[i]!;
    for (let d = 0; d < rank; d++) {
      index[d] = index[d]! + 1;
      if (index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}
