import { InvalidInputError } from '../../errors';

/** An int8 matrix with one symmetric scale per column: value[r, c] ≈ data[r, c] * scales[c]. */
export interface ColumnQuantizedMatrix {
  rows: number;
  cols: number;
  /** Row-major, like the float matrix it came from. */
  data: Int8Array;
  scales: Float32Array;
}

/**
 * Quantizes a row-major [rows, cols] matrix (a MatMul weight: K inputs by N output channels) to int8 with one
 * symmetric scale per output column. Symmetric (zero point 0) because ONNX Runtime's int8 kernels skip the
 * zero-point correction then; per column because output channels of wav2vec2 layers differ in range by an
 * order of magnitude, and one scale per tensor wastes most int8 levels on the small ones.
 * `maxLevel` 127 uses the full int8 range; 63 leaves one bit of headroom (see QuantizeOptions.reduceRange).
 */
export function quantizeColumns(
  weights: Float32Array,
  rows: number,
  cols: number,
  maxLevel: number,
): ColumnQuantizedMatrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows <= 0 || cols <= 0) {
    throw new InvalidInputError(`matrix shape must be positive integers, got [${rows}, ${cols}]`);
  }
  if (weights.length !== rows * cols) {
    throw new InvalidInputError(
      `matrix of shape [${rows}, ${cols}] needs ${rows * cols} values, got ${weights.length}`,
    );
  }
  if (!Number.isInteger(maxLevel) || maxLevel < 1 || maxLevel > 127) {
    throw new InvalidInputError(`maxLevel must be an integer in 1..127, got ${maxLevel}`);
  }
  const maxAbs = new Float32Array(cols);
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    for (let c = 0; c < cols; c++) {
      const magnitude = Math.abs(weights[row + c]!);
      if (magnitude > maxAbs[c]!) maxAbs[c] = magnitude;
    }
  }
  const scales = new Float32Array(cols);
  const inverse = new Float64Array(cols);
  for (let c = 0; c < cols; c++) {
    // An all-zero column quantizes to zeros whatever the scale; 1 keeps the scale positive as ONNX requires.
    scales[c] = maxAbs[c]! > 0 ? maxAbs[c]! / maxLevel : 1;
    inverse[c] = 1 / scales[c]!;
  }
  const data = new Int8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    for (let c = 0; c < cols; c++) {
      const level = Math.round(weights[row + c]! * inverse[c]!);
      data[row + c] = Math.min(maxLevel, Math.max(level, -maxLevel));
    }
  }
  return { rows, cols, data, scales };
}

/** The transpose of a row-major [rows, cols] matrix (Gemm stores transB weights as [N, K]). */
export function transposeMatrix(values: Float32Array, rows: number, cols: number): Float32Array {
  if (values.length !== rows * cols) {
    throw new InvalidInputError(
      `matrix of shape [${rows}, ${cols}] needs ${rows * cols} values, got ${values.length}`,
    );
  }
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c]!;
  }
  return out;
}

/** A uint8 matrix with one scale and zero point per column: value[r, c] ≈ (data[r, c] - zeroPoints[c]) * scales[c]. */
export interface ColumnQuantizedMatrixU8 {
  rows: number;
  cols: number;
  data: Uint8Array;
  scales: Float32Array;
  zeroPoints: Uint8Array;
}

/**
 * Quantizes a row-major [rows, cols] matrix to uint8 with one asymmetric scale and zero point per column. ONNX
 * Runtime multiplies u8×u8 in 16-bit lanes, which cannot saturate, so all 8 bits are usable on any x86 CPU.
 */
export function quantizeColumnsUint8(
  weights: Float32Array,
  rows: number,
  cols: number,
): ColumnQuantizedMatrixU8 {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows <= 0 || cols <= 0) {
    throw new InvalidInputError(`matrix shape must be positive integers, got [${rows}, ${cols}]`);
  }
  if (weights.length !== rows * cols) {
    throw new InvalidInputError(
      `matrix of shape [${rows}, ${cols}] needs ${rows * cols} values, got ${weights.length}`,
    );
  }
  // The range always includes 0 so that zero stays exactly representable (padding, masked values).
  const low = new Float32Array(cols);
  const high = new Float32Array(cols);
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    for (let c = 0; c < cols; c++) {
      const value = weights[row + c]!;
      if (value < low[c]!) low[c] = value;
      if (value > high[c]!) high[c] = value;
    }
  }
  const scales = new Float32Array(cols);
  const zeroPoints = new Uint8Array(cols);
  for (let c = 0; c < cols; c++) {
    const span = high[c]! - low[c]!;
    scales[c] = span > 0 ? span / 255 : 1;
    zeroPoints[c] = Math.min(255, Math.max(0, Math.round(-low[c]! / scales[c]!)));
  }
  const data = new Uint8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    for (let c = 0; c < cols; c++) {
      const level = Math.round(weights[row + c]! / scales[c]!) + zeroPoints[c]!;
      data[row + c] = Math.min(255, Math.max(0, level));
    }
  }
  return { rows, cols, data, scales, zeroPoints };
}
