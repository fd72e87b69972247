import { onnx } from 'onnx-proto';
import { toNumber } from './onnx-graph';

/** A float32 constant read out of an ONNX tensor, or why it could not be. */
export type FloatTensorRead =
  | { ok: true; dims: number[]; data: Float32Array }
  | { ok: false; reason: string };

const { DataType, DataLocation } = onnx.TensorProto;

/** The dimensions of a tensor as plain numbers. */
export function tensorDims(tensor: onnx.ITensorProto): number[] {
  return (tensor.dims ?? []).map((d) => toNumber(d));
}

/** Reads a float32 tensor stored either as `raw_data` (little-endian bytes) or as the repeated `float_data`. */
export function readFloatTensor(tensor: onnx.ITensorProto): FloatTensorRead {
  if (tensor.dataType !== DataType.FLOAT) {
    return { ok: false, reason: `weight is ${dataTypeName(tensor.dataType)}, not float32` };
  }
  if (tensor.dataLocation === DataLocation.EXTERNAL) {
    return { ok: false, reason: 'weight is stored in an external data file (not supported)' };
  }
  const dims = tensorDims(tensor);
  const count = dims.reduce((product, d) => product * d, 1);
  const raw = tensor.rawData;
  if (raw !== null && raw !== undefined && raw.length > 0) {
    if (raw.length !== count * 4) {
      return {
        ok: false,
        reason: `weight raw_data has ${raw.length} bytes, expected ${count * 4} for [${dims}]`,
      };
    }
    // Copied, because raw_data is a view into the file at an arbitrary (possibly unaligned) offset.
    return { ok: true, dims, data: new Float32Array(new Uint8Array(raw).buffer) };
  }
  const floats = tensor.floatData ?? [];
  if (floats.length !== count) {
    return {
      ok: false,
      reason: `weight float_data has ${floats.length} values, expected ${count} for [${dims}]`,
    };
  }
  return { ok: true, dims, data: Float32Array.from(floats) };
}

/** A float32 initializer stored as raw_data. */
export function floatTensor(name: string, dims: readonly number[], data: Float32Array): onnx.ITensorProto {
  return { name, dims: [...dims], dataType: DataType.FLOAT, rawData: bytesOf(data) };
}

/** An int8 initializer stored as raw_data. */
export function int8Tensor(name: string, dims: readonly number[], data: Int8Array): onnx.ITensorProto {
  return { name, dims: [...dims], dataType: DataType.INT8, rawData: bytesOf(data) };
}

/** A uint8 initializer stored as raw_data. */
export function uint8Tensor(name: string, dims: readonly number[], data: Uint8Array): onnx.ITensorProto {
  return { name, dims: [...dims], dataType: DataType.UINT8, rawData: bytesOf(data) };
}

/** An int64 initializer (shapes, indices, slice bounds) stored as raw_data. */
export function int64Tensor(name: string, values: readonly number[]): onnx.ITensorProto {
  return {
    name,
    dims: [values.length],
    dataType: DataType.INT64,
    rawData: bytesOf(BigInt64Array.from(values, BigInt)),
  };
}

function bytesOf(data: Float32Array | Int8Array | Uint8Array | BigInt64Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function dataTypeName(type: number | null | undefined): string {
  const name = type === null || type === undefined ? undefined : DataType[type];
  return name === undefined ? `data type ${String(type)}` : name.toLowerCase();
}
