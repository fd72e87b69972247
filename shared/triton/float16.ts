import { endianness } from 'node:os';
import { Float16Array } from '@petamoriken/float16';
import { AlignError } from '../errors';

// The binary tensor extension fixes little-endian data; typed arrays use the host's byte order, so the views
// below (about 5x faster than per-element DataView calls) are right only on such hosts, which Node's are.
if (endianness() !== 'LE') {
  throw new AlignError('INTERNAL', 'the fp16 tensor codec needs a little-endian host (x64, arm64)');
}

/** IEEE 754 half-precision little-endian bytes of `values`: round to nearest even, overflow to ±Infinity. */
export function encodeFloat16(values: Float32Array): Uint8Array {
  const half = Float16Array.from(values);
  return new Uint8Array(half.buffer, half.byteOffset, half.byteLength);
}

/** Float32 values of half-precision little-endian bytes (subnormals, ±0, ±Infinity and NaN kept). */
export function decodeFloat16(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 2 !== 0) {
    throw new AlignError('INTERNAL', `${bytes.byteLength} bytes are not a whole number of fp16 values`);
  }
  // A 16-bit view needs an even offset; slices of an HTTP body often have an odd one, so copy those.
  const aligned = bytes.byteOffset % 2 === 0 ? bytes : new Uint8Array(bytes);
  return Float32Array.from(new Float16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 2));
}
