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

/** Conv weights [out, in, kernel] and strides of `buildConvModel`, by node name. */
export const CONV_LAYOUT = {
  /** wav2vec2 layers 1-4: kernel 3, stride 2, two tap groups (conv-as-matmul.ts), the second one tap and a zero row. */
  k3s2: { weight: [6, 4, 3], stride: 2 },
  /** wav2vec2 layers 5-6: kernel 2, stride 2, here with a bias. */
  k2s2: { weight: [5, 6, 2], stride: 2 },
  /** Two tap groups of three rows, the second two taps and a zero row; some lengths cut the input to whole blocks. */
  k5s3: { weight: [4, 4, 5], stride: 3 },
  /** No strides attribute: stride 1. */
  k3s1: { weight: [4, 4, 3], stride: 1 },
} as const;

/**
 * Strided 1-D convolutions of every slicing case, plus one padded Conv the rewrite must leave alone:
 *   signal [1, 4, L] → k3s2 → Relu → k2s2 (+bias) → deep;  signal → k5s3 → wide;  signal → k3s1 → dense;
 *   signal → padded (pads 1, 1) → same.
 */
export function buildConvModel(): Uint8Array {
  const INTS = onnx.AttributeProto.AttributeType.INTS;
  const conv = (
    name: string,
    input: string,
    output: string,
    extra: onnx.IAttributeProto[],
    bias?: string,
  ) => ({
    name,
    opType: 'Conv',
    input: [input, `${name}_W`, ...(bias ? [bias] : [])],
    output: [output],
    attribute: extra,
  });
  const strides = (s: number) => [{ name: 'strides', type: INTS, ints: [s] }];
  const initializer = Object.entries(CONV_LAYOUT).map(([name, { weight }], i) =>
    rawFloat(`${name}_W`, [...weight], seededValues(weight[0] * weight[1] * weight[2], 30 + i)),
  );
  initializer.push(
    rawFloat('k2s2_b', [5], seededValues(5, 40, 0.3)),
    rawFloat('padded_W', [3, 4, 3], seededValues(36, 41)),
  );
  const graph: onnx.IGraphProto = {
    name: 'convs',
    input: [valueInfo('signal', [1, 4, 'L'])],
    output: ['deep', 'wide', 'dense', 'same'].map((name) => valueInfo(name, [1, 'C', 'T'])),
    initializer,
    node: [
      conv('k3s2', 'signal', 'a', strides(2)),
      { name: 'relu', opType: 'Relu', input: ['a'], output: ['ar'] },
      conv('k2s2', 'ar', 'deep', strides(2), 'k2s2_b'),
      conv('k5s3', 'signal', 'wide', strides(3)),
      conv('k3s1', 'signal', 'dense', []),
      conv('padded', 'signal', 'same', [{ name: 'pads', type: INTS, ints: [1, 1] }]),
    ],
  };
  return onnx.ModelProto.encode({ irVersion: 8, opsetImport: [{ domain: '', version: 14 }], graph }).finish();
}

/** Root-mean-square error of `actual` relative to the magnitude of `expected`. */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  let error = 0;
  let magnitude = 0;
  for (let i = 0; i < expected.length; i++) {
    error += (actual[i]! - expected[i]!) ** 2;
    magnitude += expected[i]! ** 2;
  }
  return Math.sqrt(error / magnitude);
}
