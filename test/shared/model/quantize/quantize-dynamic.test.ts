/** @jest-environment ./test/helpers/onnxruntime-environment.js */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { decodeAudioFile } from '../../../../shared/audio/decode-audio';
import { AlignError } from '../../../../shared/errors';
import { normalizeAudio } from '../../../../shared/inference/normalize-audio';
import { type QuantizeOptions, quantizeModel } from '../../../../shared/model/quantize/quantize-dynamic';
import { buildTinyModel, GEMM_ALPHA, GEMM_BETA, relativeError, seededValues } from './tiny-model';

/** The tiny model's layers (16 and 4 columns) are narrower than the default threshold for quantizing. */
const TINY: QuantizeOptions = { minColumns: 1 };
/** ONNX Runtime's fused operator: one DynamicQuantizeMatMul per weight, per-tensor activation scales. */
const FUSED: QuantizeOptions = { ...TINY, activations: 'per-tensor' };

const STANDARD_QUANTIZED_OPS = new Set(['DynamicQuantizeLinear', 'MatMulInteger', 'Cast', 'Mul', 'Add']);

function decode(bytes: Uint8Array): onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}

function initializer(model: onnx.ModelProto, name: string): onnx.ITensorProto | undefined {
  return (model.graph?.initializer ?? []).find((t) => t.name === name);
}

function nodesOf(model: onnx.ModelProto): onnx.INodeProto[] {
  return model.graph?.node ?? [];
}

function inputOf(node: onnx.INodeProto, index: number): string {
  return node.input?.[index] ?? '';
}

function floats(tensor: onnx.ITensorProto): Float32Array {
  return tensor.rawData && tensor.rawData.length > 0
    ? new Float32Array(new Uint8Array(tensor.rawData).buffer)
    : Float32Array.from(tensor.floatData ?? []);
}

function int8s(tensor: onnx.ITensorProto): Int8Array {
  return new Int8Array(new Uint8Array(tensor.rawData!).buffer);
}

function nodeNamed(model: onnx.ModelProto, prefix: string): onnx.INodeProto {
  const node = nodesOf(model).find((n) => n.name?.startsWith(prefix));
  if (node === undefined) throw new Error(`no node named ${prefix}*`);
  return node;
}

async function runTiny(bytes: Uint8Array, frames: number): Promise<Record<string, Float32Array>> {
  const session = await InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  const tensor = (seed: number, dims: number[]) =>
    new Tensor(
      'float32',
      seededValues(
        dims.reduce((a, b) => a * b, 1),
        seed,
      ),
      dims,
    );
  const result = await session.run({
    x: tensor(11, [frames, 8]),
    square: tensor(12, [8, frames]),
    signal: tensor(13, [1, 1, frames]),
  });
  await session.release();
  return Object.fromEntries(
    Object.entries(result).map(([name, value]) => [name, value.data as Float32Array]),
  );
}

describe('quantizeModel', () => {
  it('replaces MatMul/Gemm with constant right-hand weights by DynamicQuantizeMatMul and leaves Conv in float32', () => {
    // Prepare
    const tiny = buildTinyModel();

    // Act
    const { model, report } = quantizeModel(tiny.bytes, FUSED);

    // Assess
    const quantized = decode(model);
    const ops = nodesOf(quantized).map((n) => n.opType);
    expect(ops.filter((op) => op === 'DynamicQuantizeMatMul')).toHaveLength(3);
    expect(
      nodesOf(quantized)
        .filter((n) => n.opType === 'DynamicQuantizeMatMul')
        .map((n) => n.domain),
    ).toEqual(['com.microsoft', 'com.microsoft', 'com.microsoft']);
    expect(quantized.opsetImport.map((o) => o.domain)).toContain('com.microsoft');
    const floatWeightMatMuls = nodesOf(quantized).filter(
      (n) =>
        (n.opType === 'MatMul' || n.opType === 'Gemm') && initializer(quantized, inputOf(n, 1)) !== undefined,
    );
    expect(floatWeightMatMuls).toEqual([]);
    const conv = nodeNamed(quantized, 'conv1');
    expect(conv.opType).toBe('Conv');
    expect(conv.input).toEqual(['signal', 'Wc']);
    expect(floats(initializer(quantized, 'Wc')!)).toEqual(tiny.convWeight);
    expect(report.rewritten).toEqual({ matMul: 2, gemm: 1, conv: 0 });
  });

  it('skips a MatMul whose constant is its first input and says why', () => {
    // Prepare
    const tiny = buildTinyModel();

    // Act
    const { model, report } = quantizeModel(tiny.bytes, FUSED);

    // Assess
    expect(report.skipped).toEqual([
      { node: 'mm_left', opType: 'MatMul', reason: expect.stringMatching(/first input/) },
    ]);
    expect(nodeNamed(decode(model), 'mm_left').opType).toBe('MatMul');
    expect(floats(initializer(decode(model), 'Wleft')!)).toEqual(tiny.wLeft);
  });

  it('stores one scale per output column, so a column 40 times larger keeps the others precise', () => {
    // Prepare
    const tiny = buildTinyModel();

    // Act
    const quantized = decode(quantizeModel(tiny.bytes, FUSED).model);

    // Assess
    const node = nodeNamed(quantized, 'mm1');
    const weight = int8s(initializer(quantized, inputOf(node, 1))!);
    const scales = floats(initializer(quantized, inputOf(node, 2))!);
    expect(scales).toHaveLength(16);
    expect(scales[3]! / scales[0]!).toBeGreaterThan(10);
    for (let r = 0; r < 8; r++) {
      for (let c = 0; c < 16; c++) {
        const restored = weight[r * 16 + c]! * scales[c]!;
        expect(Math.abs(restored - tiny.w1[r * 16 + c]!)).toBeLessThanOrEqual(scales[c]! / 2 + 1e-7);
      }
    }
  });

  it('quantizes a weight shared by two MatMuls once and drops its float copy', () => {
    // Prepare
    const tiny = buildTinyModel();

    // Act
    const { model, report } = quantizeModel(tiny.bytes, FUSED);

    // Assess
    const quantized = decode(model);
    expect(inputOf(nodeNamed(quantized, 'mm1'), 1)).toBe(inputOf(nodeNamed(quantized, 'mm_shared'), 1));
    expect(initializer(quantized, 'W1')).toBeUndefined();
    expect(initializer(quantized, 'C2')).toBeUndefined();
    expect(report.weightsQuantized).toBe(2);
  });

  it('folds the bias Add into the quantized MatMul and Gemm alpha, beta and transB into its weight and bias', () => {
    // Prepare
    const tiny = buildTinyModel();

    // Act
    const { model, report } = quantizeModel(tiny.bytes, FUSED);

    // Assess
    const quantized = decode(model);
    expect(nodesOf(quantized).find((n) => n.opType === 'Add')).toBeUndefined();
    expect(inputOf(nodeNamed(quantized, 'mm1'), 4)).toBe('b1');
    expect(report.biasesFolded).toBe(1);
    const gemm = nodeNamed(quantized, 'gemm');
    expect(initializer(quantized, inputOf(gemm, 1))?.dims?.map(Number)).toEqual([16, 4]);
    expect(floats(initializer(quantized, inputOf(gemm, 4))!)).toEqual(tiny.c2.map((c) => c * GEMM_BETA));
    const restored =
      int8s(initializer(quantized, inputOf(gemm, 1))!)[0 * 4 + 2]! *
      floats(initializer(quantized, inputOf(gemm, 2))!)[2]!;
    expect(restored).toBeCloseTo(GEMM_ALPHA * tiny.w2[2 * 16 + 0]!, 1);
  });

  // Full-range int8 is left out: on x86 CPUs without VNNI its products saturate (CPU-dependent, see reduceRange).
  it.each<[string, QuantizeOptions]>([
    ['per-row int8 (7-bit, the default)', {}],
    ['per-row uint8', { weightType: 'uint8' }],
    ['per-row integer int8', { form: 'integer' }],
    ['per-tensor fused int8', { activations: 'per-tensor' }],
    ['per-tensor integer int8', { activations: 'per-tensor', form: 'integer' }],
    ['per-tensor fused uint8', { activations: 'per-tensor', weightType: 'uint8' }],
    ['per-tensor integer uint8', { activations: 'per-tensor', form: 'integer', weightType: 'uint8' }],
  ])('%s runs in onnxruntime-node with outputs within 3%% of float32', async (_label, options) => {
    // Prepare
    const tiny = buildTinyModel();
    const expected = await runTiny(tiny.bytes, 24);

    // Act
    const actual = await runTiny(quantizeModel(tiny.bytes, { ...TINY, ...options }).model, 24);

    // Assess
    for (const output of ['y', 'shared']) {
      expect(actual[output]).toHaveLength(expected[output]!.length);
      expect(relativeError(actual[output]!, expected[output]!)).toBeLessThan(0.03);
    }
    expect(actual.left).toEqual(expected.left);
    expect(actual.conv).toEqual(expected.conv);
  });

  it('by default quantizes each activation row on its own and scales columns inside MatMulIntegerToFloat', () => {
    // Prepare
    const tiny = buildTinyModel();

    // Act
    const { model, report } = quantizeModel(tiny.bytes, TINY);

    // Assess
    const ops = nodesOf(decode(model)).map((n) => n.opType);
    expect(report.activations).toBe('per-row');
    expect(ops.filter((op) => op === 'QuantizeLinear')).toHaveLength(3);
    expect(ops.filter((op) => op === 'MatMulIntegerToFloat')).toHaveLength(3);
    expect(ops).not.toContain('DynamicQuantizeMatMul');
    expect(ops).not.toContain('DynamicQuantizeLinear');
  });

  it('with per-row scales and the integer form, uses standard ONNX operators only', () => {
    // Prepare
    const tiny = buildTinyModel();

    // Act
    const quantized = decode(quantizeModel(tiny.bytes, { ...TINY, form: 'integer' }).model);

    // Assess
    const ops = new Set(nodesOf(quantized).map((n) => n.opType));
    expect(ops).toContain('MatMulInteger');
    expect(nodesOf(quantized).every((n) => (n.domain ?? '') === '')).toBe(true);
    expect(quantized.opsetImport.map((o) => o.domain)).not.toContain('com.microsoft');
  });

  it('keeps a quiet frame precise next to a loud one with per-row scales, unlike one scale per tensor', async () => {
    // Prepare
    const tiny = buildTinyModel();
    const x = seededValues(2 * 8, 60);
    for (let k = 0; k < 8; k++) x[8 + k] = x[8 + k]! * 1000;
    const sharedRow = async (options: QuantizeOptions) => {
      const session = await InferenceSession.create(quantizeModel(tiny.bytes, options).model);
      const result = await session.run({
        x: new Tensor('float32', x, [2, 8]),
        square: new Tensor('float32', new Float32Array(16), [8, 2]),
        signal: new Tensor('float32', new Float32Array(3), [1, 1, 3]),
      });
      await session.release();
      return (result.shared!.data as Float32Array).subarray(0, 16);
    };
    const exact = new Float32Array(16);
    for (let c = 0; c < 16; c++)
      for (let k = 0; k < 8; k++) exact[c] = exact[c]! + x[k]! * tiny.w1[k * 16 + c]!;

    // Act
    const perRow = await sharedRow(TINY);
    const perTensor = await sharedRow(FUSED);

    // Assess
    expect(relativeError(perRow, exact)).toBeLessThan(0.03);
    expect(relativeError(perTensor, exact)).toBeGreaterThan(0.1);
  });

  it('keeps int8 weights within ±63 by default and uses the full ±127 when reduceRange is false', () => {
    // Prepare
    const tiny = buildTinyModel();
    const largest = (bytes: Uint8Array) => {
      const quantized = decode(bytes);
      return Math.max(
        ...int8s(initializer(quantized, inputOf(nodeNamed(quantized, 'mm1'), 1))!).map(Math.abs),
      );
    };

    // Act
    const reduced = largest(quantizeModel(tiny.bytes, FUSED).model);
    const full = largest(quantizeModel(tiny.bytes, { ...FUSED, reduceRange: false }).model);

    // Assess
    expect(reduced).toBe(63);
    expect(full).toBe(127);
  });

  it('the per-tensor integer form uses standard ONNX operators only and quantizes a shared input once', () => {
    // Prepare
    const tiny = buildTinyModel();

    // Act
    const quantized = decode(quantizeModel(tiny.bytes, { ...FUSED, form: 'integer' }).model);

    // Assess
    const added = nodesOf(quantized).filter(
      (n) => !['mm_left', 'conv1', 'relu', 'add1'].includes(n.name ?? ''),
    );
    expect(added.every((n) => STANDARD_QUANTIZED_OPS.has(n.opType ?? '') && (n.domain ?? '') === '')).toBe(
      true,
    );
    expect(added.filter((n) => n.opType === 'MatMulInteger')).toHaveLength(3);
    expect(added.filter((n) => n.opType === 'DynamicQuantizeLinear')).toHaveLength(2);
    expect(quantized.opsetImport.map((o) => o.domain)).not.toContain('com.microsoft');
  });

  it('reports the sizes before and after', () => {
    // Prepare
    const tiny = buildTinyModel();

    // Act
    const { model, report } = quantizeModel(tiny.bytes, FUSED);

    // Assess
    expect(report.bytesBefore).toBe(tiny.bytes.length);
    expect(report.bytesAfter).toBe(model.length);
    expect(report.bytesAfter).toBeLessThan(report.bytesBefore);
  });

  it('keeps nodes named in excludeNodes in float32', () => {
    // Prepare
    const tiny = buildTinyModel();

    // Act
    const { model, report } = quantizeModel(tiny.bytes, { ...TINY, excludeNodes: ['gemm'] });

    // Assess
    expect(nodeNamed(decode(model), 'gemm').opType).toBe('Gemm');
    expect(report.skipped).toContainEqual({ node: 'gemm', opType: 'Gemm', reason: 'excluded by option' });
  });

  it('drops shape annotations of tensors the rewrite removed and keeps the others', () => {
    // Prepare
    const tiny = decode(buildTinyModel().bytes);
    tiny.graph!.valueInfo = ['h', 'r'].map((name) =>
      onnx.ValueInfoProto.create({
        name,
        type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } },
      }),
    );

    // Act
    const { model } = quantizeModel(onnx.ModelProto.encode(tiny).finish(), FUSED);

    // Assess
    expect((decode(model).graph?.valueInfo ?? []).map((info) => info.name)).toEqual(['r']);
  });

  it('quantizes a weight held by a Constant node and removes the node', () => {
    // Prepare
    const tiny = decode(buildTinyModel().bytes);
    const graph = tiny.graph!;
    const initializers = graph.initializer ?? [];
    const w1 = initializers.find((t) => t.name === 'W1')!;
    graph.initializer = initializers.filter((t) => t !== w1);
    graph.node = [
      onnx.NodeProto.create({
        name: 'w1_constant',
        opType: 'Constant',
        output: ['W1'],
        attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: w1 }],
      }),
      ...(graph.node ?? []),
    ];

    // Act
    const { model, report } = quantizeModel(onnx.ModelProto.encode(tiny).finish(), TINY);

    // Assess
    expect(report.rewritten.matMul).toBe(2);
    expect(nodesOf(decode(model)).find((n) => n.opType === 'Constant')).toBeUndefined();
  });

  it('keeps weights with fewer output columns than minColumns in float32, as the default does for a CTC head', () => {
    // Prepare
    const tiny = buildTinyModel();

    // Act
    const { model, report } = quantizeModel(tiny.bytes, { minColumns: 8 });

    // Assess
    expect(nodeNamed(decode(model), 'gemm').opType).toBe('Gemm');
    expect(report.skipped).toContainEqual({
      node: 'gemm',
      opType: 'Gemm',
      reason: expect.stringMatching(/only 4 output columns/),
    });
    expect(report.rewritten).toEqual({ matMul: 2, gemm: 0, conv: 0 });
    expect(quantizeModel(tiny.bytes).report.rewritten).toEqual({ matMul: 0, gemm: 0, conv: 0 });
  });

  it.each([
    ['an empty file', new Uint8Array(0)],
    ['a text file', new TextEncoder().encode('{"this": "is json, not an ONNX model"}')],
    ['a truncated model', buildTinyModel().bytes.subarray(0, 150)],
  ])('rejects %s with a MODEL error', (_label, bytes) => {
    // Act
    const attempt = () => quantizeModel(bytes);

    // Assess
    expect(attempt).toThrow(AlignError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'MODEL' }));
  });

  const root = join(__dirname, '..', '..', '..', '..');
  const demoModel = join(root, 'models', 'demo-en', 'model.onnx');
  const speech = join(root, 'samples', 'harbor-1999.wav');
  (existsSync(demoModel) && existsSync(speech) ? it : it.skip)(
    'keeps the demo model argmax on at least 97% of the frames of a spoken sample',
    async () => {
      // Prepare
      const fp32 = readFileSync(demoModel);
      const decoded = await decodeAudioFile(speech, {
        targetSampleRate: 16_000,
        maxDurationSec: 60,
        timeoutMs: 10_000,
      });
      const audio = normalizeAudio(decoded.samples);
      const feeds = { input_values: new Tensor('float32', audio, [1, audio.length]) };
      const logits = async (bytes: Uint8Array) => {
        const session = await InferenceSession.create(bytes, { intraOpNumThreads: 1 });
        const output = (await session.run(feeds)).logits!;
        await session.release();
        return { data: output.data as Float32Array, vocab: output.dims[2]! };
      };

      // Act
      const expected = await logits(fp32);
      const actual = await logits(quantizeModel(fp32).model);

      // Assess
      const frames = expected.data.length / expected.vocab;
      let agree = 0;
      for (let t = 0; t < frames; t++) {
        if (argmax(actual.data, t, expected.vocab) === argmax(expected.data, t, expected.vocab)) agree++;
      }
      expect(agree / frames).toBeGreaterThanOrEqual(0.97);
    },
  );
});

function argmax(data: Float32Array, frame: number, vocab: number): number {
  let best = 0;
  for (let v = 1; v < vocab; v++) if (data[frame * vocab + v]! > data[frame * vocab + best]!) best = v;
  return best;
}
