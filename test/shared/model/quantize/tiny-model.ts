import { onnx } from 'onnx-proto';

const { DataType } = onnx.TensorProto;
const FLOAT = DataType.FLOAT;

/** Deterministic pseudo-random values in [-range, range) (a linear congruential generator). */
export function seededValues(count: number, seed: number, range = 1): Float32Array {
  const values = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = (state / 2 ** 32 - 0.5) * 2 * range;
  }
  return values;
}

/** Names and values of the tiny model's weights, so tests can check what the quantizer did with each. */
export interface TinyModel {
  bytes: Uint8Array;
  /** [8, 16], raw_data, read by two MatMuls (shared). */
  w1: Float32Array;
  /** [16] bias added after the first MatMul. */
  b1: Float32Array;
  /** [4, 16] Gemm weight (transB=1), float_data. */
  w2: Float32Array;
  /** [4] Gemm bias. */
  c2: Float32Array;
  /** [8, 8] weight read as the FIRST input of a MatMul (W·X). */
  wLeft: Float32Array;
  /** [2, 1, 3] Conv weight, which must stay float32. */
  convWeight: Float32Array;
}

/** Gemm's alpha and beta in the tiny model, both different from 1 so that folding them is tested. */
export const GEMM_ALPHA = 0.5;
export const GEMM_BETA = 2;

/**
 * A small graph with every case the quantizer must handle:
 *   x [T, 8] → MatMul(W1) → Add(b1) → Relu → Gemm(W2ᵀ, C, alpha, beta) → y [T, 4]
 *   x [T, 8] → MatMul(W1) (W1 shared)                                  → shared [T, 16]
 *   wLeft [8, 8] → MatMul(wLeft, square [8, T])                        → left [8, T]
 *   signal [1, 1, L] → Conv(Wc)                                         → conv [1, 2, L-2]
 */
export function buildTinyModel(): TinyModel {
  const w1 = seededValues(8 * 16, 1);
  // One column much larger than the others: per-column scales must keep the small columns precise.
  for (let r = 0; r < 8; r++) w1[r * 16 + 3] = w1[r * 16 + 3]! * 40;
  const b1 = seededValues(16, 2, 0.1);
  const w2 = seededValues(4 * 16, 3);
  const c2 = seededValues(4, 4, 0.2);
  const wLeft = seededValues(8 * 8, 5);
  const convWeight = seededValues(2 * 3, 6);
  const graph: onnx.IGraphProto = {
    name: 'tiny',
    input: [valueInfo('x', ['T', 8]), valueInfo('square', [8, 'T']), valueInfo('signal', [1, 1, 'L'])],
    output: [
      valueInfo('y', ['T', 4]),
      valueInfo('shared', ['T', 16]),
      valueInfo('left', [8, 'T']),
      valueInfo('conv', [1, 2, 'L2']),
    ],
    initializer: [
      rawFloat('W1', [8, 16], w1),
      rawFloat('b1', [16], b1),
      { name: 'W2', dims: [4, 16], dataType: FLOAT, floatData: Array.from(w2) },
      rawFloat('C2', [4], c2),
      rawFloat('Wleft', [8, 8], wLeft),
      rawFloat('Wc', [2, 1, 3], convWeight),
    ],
    node: [
      { name: 'mm1', opType: 'MatMul', input: ['x', 'W1'], output: ['h'] },
      { name: 'add1', opType: 'Add', input: ['b1', 'h'], output: ['hb'] },
      { name: 'relu', opType: 'Relu', input: ['hb'], output: ['r'] },
      {
        name: 'gemm',
        opType: 'Gemm',
        input: ['r', 'W2', 'C2'],
        output: ['y'],
        attribute: [
          { name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 1 },
          { name: 'alpha', type: onnx.AttributeProto.AttributeType.FLOAT, f: GEMM_ALPHA },
          { name: 'beta', type: onnx.AttributeProto.AttributeType.FLOAT, f: GEMM_BETA },
        ],
      },
      { name: 'mm_shared', opType: 'MatMul', input: ['x', 'W1'], output: ['shared'] },
      { name: 'mm_left', opType: 'MatMul', input: ['Wleft', 'square'], output: ['left'] },
      { name: 'conv1', opType: 'Conv', input: ['signal', 'Wc'], output: ['conv'] },
    ],
  };
  const model: onnx.IModelProto = {
    irVersion: 8,
    producerName: 'w2v2-align tests',
    opsetImport: [{ domain: '', version: 14 }],
    graph,
  };
  return { bytes: onnx.ModelProto.encode(model).finish(), w1, b1, w2, c2, wLeft, convWeight };
}

function rawFloat(name: string, dims: number[], values: Float32Array): onnx.ITensorProto {
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(values.buffer.slice(0)) };
}

function valueInfo(name: string, shape: (number | string)[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}
