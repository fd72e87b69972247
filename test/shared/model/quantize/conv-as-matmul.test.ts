/** @jest-environment ./test/helpers/onnxruntime-environment.js */

import { onnx } from 'onnx-proto';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { type QuantizeOptions, quantizeModel } from '../../../../shared/model/quantize/quantize-dynamic';
import { buildConvModel, relativeError, seededValues } from './tiny-model';

const OPTIONS = { convolutions: true, minColumns: 1 };

async function runConvs(bytes: Uint8Array, length: number): Promise<Record<string, Float32Array>> {
  const session = await InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  const signal = new Tensor('float32', seededValues(4 * length, 50), [1, 4, length]);
  const result = await session.run({ signal });
  await session.release();
  return Object.fromEntries(
    Object.entries(result).map(([name, value]) => [name, value.data as Float32Array]),
  );
}

describe('quantizeModel with convolutions', () => {
  it('rewrites plain strided 1-D convolutions as quantized MatMuls and keeps a padded one', () => {
    // Act
    const { model, report } = quantizeModel(buildConvModel(), { ...OPTIONS, activations: 'per-tensor' });

    // Assess
    const nodes = onnx.ModelProto.decode(model).graph?.node ?? [];
    expect(nodes.filter((n) => n.opType === 'Conv').map((n) => n.name)).toEqual(['padded']);
    expect(nodes.filter((n) => n.opType === 'DynamicQuantizeMatMul')).toHaveLength(4);
    expect(report.rewritten.conv).toBe(4);
    expect(report.skipped).toEqual([
      { node: 'padded', opType: 'Conv', reason: expect.stringMatching(/padded/) },
    ]);
  });

  it('leaves every Conv alone unless asked', () => {
    // Act
    const { report } = quantizeModel(buildConvModel(), { minColumns: 1 });

    // Assess
    expect(report.rewritten.conv).toBe(0);
  });

  it.each<[number, QuantizeOptions]>([
    [37, {}],
    [40, {}],
    [41, {}],
    [41, { activations: 'per-tensor' }],
    [41, { activations: 'per-tensor', form: 'integer' }],
  ])('matches float32 within 3%% and frame for frame at length %i (%j)', async (length, options) => {
    // Prepare
    const fp32 = buildConvModel();
    const expected = await runConvs(fp32, length);

    // Act
    const actual = await runConvs(quantizeModel(fp32, { ...OPTIONS, ...options }).model, length);

    // Assess
    for (const output of ['deep', 'wide', 'dense']) {
      expect(actual[output]).toHaveLength(expected[output]!.length);
      expect(relativeError(actual[output]!, expected[output]!)).toBeLessThan(0.03);
    }
    expect(actual.same).toEqual(expected.same);
  });
});
