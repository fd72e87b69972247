import { InvalidInputError } from '../errors';
import { decodeFloat16, encodeFloat16 } from './float16';

/** Tensor datatypes this project exchanges with Triton. */
export type FloatDatatype = 'FP32' | 'FP16';

/** Bytes per element on the wire. */
export const BYTES_PER_ELEMENT: Readonly<Record<FloatDatatype, number>> = { FP32: 4, FP16: 2 };

/** A float tensor as sent or received, values always held as float32. */
export interface FloatTensor {
  name: string;
  datatype: FloatDatatype;
  shape: number[];
  data: Float32Array;
}

/** HTTP header carrying the JSON part's length when a body has binary tensors (Triton's binary extension). */
export const HEADER_LENGTH_HEADER = 'inference-header-content-length';

/** Tensors of more dimensions or elements than these are refused before anything is allocated. */
const MAX_RANK = 8;
const MAX_ELEMENTS = 2 ** 28;

/** A body that breaks the KServe v2 / binary-extension format; the server answers 400, the client rejects it. */
export class InferenceBodyError extends InvalidInputError {
  public constructor(message: string) {
    super(message);
    this.name = 'InferenceBodyError';
  }
}

/** Little-endian bytes of a tensor's values in its datatype. */
export function tensorBytes(tensor: FloatTensor): Uint8Array {
  const { data } = tensor;
  return tensor.datatype === 'FP16'
    ? encodeFloat16(data)
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Number of elements of a shape. */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}

/** Joins a JSON header and binary tensors into one body; `headerLength` goes in Inference-Header-Content-Length. */
export function encodeInferenceBody(
  header: unknown,
  tensors: readonly Uint8Array[],
): { body: Buffer; headerLength: number } {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  return { body: Buffer.concat([json, ...tensors]), headerLength: json.length };
}

/**
 * Splits a body into its parsed JSON header and the binary tail. `headerLength` undefined means all JSON.
 * The header may be at most `maxHeaderBytes`; anything that is not a JSON object is refused.
 */
export function splitInferenceBody(
  body: Buffer,
  headerLength: string | undefined,
  maxHeaderBytes: number,
): { header: Record<string, unknown>; binary: Buffer } {
  let length = body.length;
  if (headerLength !== undefined) {
    length = Number(headerLength);
    if (!Number.isInteger(length) || length < 1 || length > body.length) {
      throw new InferenceBodyError(
        `Inference-Header-Content-Length must be a whole number between 1 and the body length ${body.length}, got "${headerLength}"`,
      );
    }
  }
  if (length > maxHeaderBytes) {
    throw new InferenceBodyError(
      `the JSON header is ${length} bytes, more than the ${maxHeaderBytes} allowed`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(body.subarray(0, length).toString('utf8'));
  } catch (error) {
    throw new InferenceBodyError(`the JSON header does not parse: ${(error as Error).message}`);
  }
  if (!isRecord(header)) throw new InferenceBodyError('the JSON header must be an object');
  return { header, binary: body.subarray(length) };
}

/**
 * Reads the tensors listed in a header (`inputs` of a request, `outputs` of a reply), taking binary ones from
 * `binary` in order. Every declared shape, datatype and byte length must agree, and the binary tail must be
 * used up exactly: a short or over-long body is refused, never read as data.
 */
export function readTensors(entries: unknown, binary: Buffer, what: string): FloatTensor[] {
  if (!Array.isArray(entries)) throw new InferenceBodyError(`"${what}" must be a list of tensors`);
  let offset = 0;
  const tensors = entries.map((entry: unknown, index): FloatTensor => {
    const { name, datatype, shape } = tensorHeader(entry, `${what}[${index}]`);
    const count = elementCount(shape);
    const label = `${what} "${name}"`;
    const parameters = (entry as Record<string, unknown>).parameters;
    const binarySize = isRecord(parameters) ? parameters.binary_data_size : undefined;
    if (binarySize !== undefined) {
      const expected = count * BYTES_PER_ELEMENT[datatype];
      if (binarySize !== expected) {
        throw new InferenceBodyError(
          `${label} of shape [${shape.join(',')}] ${datatype} needs ${expected} bytes but binary_data_size says ${JSON.stringify(binarySize)}`,
        );
      }
      if (offset + expected > binary.length) {
        throw new InferenceBodyError(
          `${label} needs ${expected} bytes at offset ${offset} but the binary part has only ${binary.length} (truncated body)`,
        );
      }
      const bytes = binary.subarray(offset, offset + expected);
      offset += expected;
      return { name, datatype, shape, data: fromBytes(bytes, datatype) };
    }
    return { name, datatype, shape, data: jsonData((entry as Record<string, unknown>).data, count, label) };
  });
  if (offset !== binary.length) {
    throw new InferenceBodyError(
      `the body carries ${binary.length} binary bytes but its tensors declare ${offset}`,
    );
  }
  return tensors;
}

/** Validated name, datatype and shape of one tensor entry. */
export function tensorHeader(
  entry: unknown,
  label: string,
): { name: string; datatype: FloatDatatype; shape: number[] } {
  if (!isRecord(entry)) throw new InferenceBodyError(`${label} must be an object`);
  const { name, datatype, shape } = entry;
  if (typeof name !== 'string' || name === '') throw new InferenceBodyError(`${label} needs a "name"`);
  if (datatype !== 'FP32' && datatype !== 'FP16') {
    throw new InferenceBodyError(
      `${label} "${name}" has datatype ${JSON.stringify(datatype)}; only FP32 and FP16 are supported`,
    );
  }
  if (
    !Array.isArray(shape) ||
    shape.length > MAX_RANK ||
    !shape.every((size) => Number.isInteger(size) && size >= 0)
  ) {
    throw new InferenceBodyError(
      `${label} "${name}" needs a "shape" of at most ${MAX_RANK} non-negative integers, got ${JSON.stringify(shape)}`,
    );
  }
  if (elementCount(shape as number[]) > MAX_ELEMENTS) {
    throw new InferenceBodyError(`${label} "${name}" of shape [${shape.join(',')}] is too large`);
  }
  return { name, datatype, shape: shape as number[] };
}

/** A plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fromBytes(bytes: Uint8Array, datatype: FloatDatatype): Float32Array {
  if (datatype === 'FP16') return decodeFloat16(bytes);
  // A float32 view needs a 4-byte aligned offset; copying into a fresh buffer aligns it (a Buffer's slice() would not copy).
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : new Uint8Array(bytes);
  return new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4).slice();
}

/** JSON tensor data: a flat or nested (row-major) list of exactly `count` numbers. */
function jsonData(data: unknown, count: number, label: string): Float32Array {
  if (!Array.isArray(data)) {
    throw new InferenceBodyError(`${label} needs "data" or parameters.binary_data_size`);
  }
  const flat = data.flat(MAX_RANK) as unknown[];
  if (flat.length !== count) {
    throw new InferenceBodyError(`${label} has ${flat.length} values in "data" but its shape holds ${count}`);
  }
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const value = flat[i];
    if (typeof value !== 'number') {
      throw new InferenceBodyError(
        `${label} "data" must hold numbers; item ${i} is ${JSON.stringify(value)}`,
      );
    }
    out[i] = value;
  }
  return out;
}
