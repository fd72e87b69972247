import { setFloat16 } from '@petamoriken/float16';

/** Encodes an array as a .npy v1 file the way numpy.save does (header padded to a multiple of 64 bytes). */
export function encodeNpy(
  descr: string,
  shape: readonly number[],
  body: Uint8Array,
  options: { fortranOrder?: boolean } = {},
): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const fortran = options.fortranOrder === true ? 'True' : 'False';
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += `${' '.repeat((64 - (total % 64)) % 64)}\n`;
  const out = new Uint8Array(10 + header.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(body, 10 + header.length);
  return out;
}

/** Raw bytes of float32 values. */
export function float32Bytes(values: ArrayLike<number>, littleEndian = true): Uint8Array {
  const body = new Uint8Array(values.length * 4);
  const view = new DataView(body.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, littleEndian);
  return body;
}

/** Raw bytes of float16 values (little-endian). */
export function float16Bytes(values: ArrayLike<number>): Uint8Array {
  const body = new Uint8Array(values.length * 2);
  const view = new DataView(body.buffer);
  for (let i = 0; i < values.length; i++) setFloat16(view, i * 2, values[i]!, true);
  return body;
}
