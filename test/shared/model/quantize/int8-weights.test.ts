import { InvalidInputError } from '../../../../shared/errors';
import {
  quantizeColumns,
  quantizeColumnsUint8,
  transposeMatrix,
} from '../../../../shared/model/quantize/int8-weights';
import { seededValues } from './tiny-model';

describe('quantizeColumns', () => {
  it('gives each column the scale that maps its largest magnitude to the top level', () => {
    // Prepare
    const weights = Float32Array.from([1, -8, 0.5, -2, 4, 0.25]);

    // Act
    const quantized = quantizeColumns(weights, 2, 3, 127);

    // Assess
    expect(Array.from(quantized.scales)).toEqual([2 / 127, 8 / 127, 0.5 / 127].map(Math.fround));
    expect(Array.from(quantized.data)).toEqual([64, -127, 127, -127, 64, 64]);
  });

  it('restores every value within half a step of its column', () => {
    // Prepare
    const rows = 12;
    const cols = 5;
    const weights = seededValues(rows * cols, 7, 3);

    // Act
    const quantized = quantizeColumns(weights, rows, cols, 63);

    // Assess
    for (let i = 0; i < weights.length; i++) {
      const scale = quantized.scales[i % cols]!;
      expect(Math.abs(quantized.data[i]!)).toBeLessThanOrEqual(63);
      expect(Math.abs(quantized.data[i]! * scale - weights[i]!)).toBeLessThanOrEqual(scale / 2 + 1e-6);
    }
  });

  it('keeps an all-zero column at zero with a positive scale', () => {
    // Act
    const quantized = quantizeColumns(Float32Array.from([0, 1, 0, -1]), 2, 2, 127);

    // Assess
    expect(quantized.scales[0]).toBeGreaterThan(0);
    expect(Array.from(quantized.data)).toEqual([0, 127, 0, -127]);
  });

  it.each([
    ['a shape that does not match the values', () => quantizeColumns(new Float32Array(6), 2, 2, 127)],
    ['a zero dimension', () => quantizeColumns(new Float32Array(0), 0, 3, 127)],
    ['a level above 127', () => quantizeColumns(new Float32Array(4), 2, 2, 128)],
  ])('rejects %s', (_label, attempt) => {
    // Assess
    expect(attempt).toThrow(InvalidInputError);
  });
});

describe('quantizeColumnsUint8', () => {
  it('maps each column range onto 0..255 with zero exactly representable', () => {
    // Prepare
    const rows = 10;
    const cols = 4;
    const weights = seededValues(rows * cols, 9, 2);

    // Act
    const quantized = quantizeColumnsUint8(weights, rows, cols);

    // Assess
    for (let i = 0; i < weights.length; i++) {
      const c = i % cols;
      const restored = (quantized.data[i]! - quantized.zeroPoints[c]!) * quantized.scales[c]!;
      expect(Math.abs(restored - weights[i]!)).toBeLessThanOrEqual(quantized.scales[c]! / 2 + 1e-6);
    }
  });
});

describe('transposeMatrix', () => {
  it('swaps rows and columns', () => {
    // Act
    const transposed = transposeMatrix(Float32Array.from([1, 2, 3, 4, 5, 6]), 2, 3);

    // Assess
    expect(Array.from(transposed)).toEqual([1, 4, 2, 5, 3, 6]);
  });
});
