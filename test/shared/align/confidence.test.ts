import { frameConfidence } from '../../../shared/align/confidence';
import { InvalidInputError } from '../../../shared/errors';

describe('frameConfidence', () => {
  it('is 1 for a certain frame, 0 for a uniform one, and falls as entropy rises', () => {
    // Prepare: one-hot, peaky, flatter, uniform (vocab 4).
    const log = Math.log;
    const rows = [
      [0, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY],
      [log(0.97), log(0.01), log(0.01), log(0.01)],
      [log(0.7), log(0.1), log(0.1), log(0.1)],
      [log(0.25), log(0.25), log(0.25), log(0.25)],
    ];

    // Act
    const c = frameConfidence({ data: Float32Array.from(rows.flat()), frames: 4, vocab: 4 });

    // Assess
    const entropy = (p: number[]) => -p.reduce((sum, x) => sum + x * Math.log(x), 0);
    expect(c[0]).toBe(1);
    expect(c[1]).toBeCloseTo(1 - entropy([0.97, 0.01, 0.01, 0.01]) / Math.log(4), 5);
    expect(c[2]).toBeCloseTo(1 - entropy([0.7, 0.1, 0.1, 0.1]) / Math.log(4), 5);
    expect(c[3]).toBeCloseTo(0, 6);
    expect(c[1]!).toBeGreaterThan(c[2]!);
  });

  it('stays within [0, 1] for rows that Float32 rounding left slightly unnormalised', () => {
    const uniform = Math.fround(Math.log(1 / 3)) + 1e-7;

    const c = frameConfidence({ data: Float32Array.from([uniform, uniform, uniform]), frames: 1, vocab: 3 });

    expect(c[0]).toBeGreaterThanOrEqual(0);
    expect(c[0]).toBeLessThan(1e-6);
  });

  it.each<[string, () => unknown, RegExp]>([
    [
      'a one-token vocabulary',
      () => frameConfidence({ data: new Float32Array(2), frames: 2, vocab: 1 }),
      /at least 2 tokens/,
    ],
    [
      'a wrong length',
      () => frameConfidence({ data: new Float32Array(5), frames: 2, vocab: 3 }),
      /2\*3 values/,
    ],
    [
      'NaN',
      () => frameConfidence({ data: Float32Array.from([0, Number.NaN]), frames: 1, vocab: 2 }),
      /= NaN/,
    ],
    [
      'an all -Infinity row',
      () =>
        frameConfidence({
          data: Float32Array.from([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]),
          frames: 1,
          vocab: 2,
        }),
      /row 0 is all -Infinity/,
    ],
  ])('rejects %s', (_name, act, message) => {
    expect(act).toThrow(InvalidInputError);
    expect(act).toThrow(message);
  });
});
