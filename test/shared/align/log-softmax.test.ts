import { logSoftmax } from '../../../shared/align/log-softmax';
import { InvalidInputError } from '../../../shared/errors';

const rowSums = (data: Float32Array, frames: number, vocab: number): number[] =>
  Array.from({ length: frames }, (_, t) => {
    let sum = 0;
    for (let v = 0; v < vocab; v++) sum += Math.exp(data[t * vocab + v]!);
    return sum;
  });

describe('logSoftmax', () => {
  it('turns every row into log-probabilities that sum to 1', () => {
    // Prepare
    const logits = Float32Array.from([1, 2, 3, -4, 0, 0, 0, 0, 10, -10, 5, 2]);

    // Act
    const { data, frames, vocab } = logSoftmax(logits, 3, 4);

    // Assess
    expect([frames, vocab]).toEqual([3, 4]);
    for (const sum of rowSums(data, 3, 4)) expect(sum).toBeCloseTo(1, 6);
    expect(data[4]).toBeCloseTo(Math.log(0.25), 6);
    expect(data[2]! - data[1]!).toBeCloseTo(1, 6);
  });

  it('stays finite for logits far beyond exp overflow', () => {
    const logits = Float32Array.from([1e30, 1e30, 3e38, 3e38 - 1e32]);

    const { data } = logSoftmax(logits, 2, 2);

    expect(data[0]).toBeCloseTo(Math.log(0.5), 6);
    expect(data[1]).toBeCloseTo(Math.log(0.5), 6);
    expect(data[2]).toBe(0);
    expect(data[3]).toBe(Math.fround(logits[3]! - logits[2]!));
  });

  it('keeps masked (-Infinity) logits impossible and normalises the rest', () => {
    const logits = Float32Array.from([Number.NEGATIVE_INFINITY, 0, 0]);

    const { data } = logSoftmax(logits, 1, 3);

    expect(data[0]).toBe(Number.NEGATIVE_INFINITY);
    expect(data[1]).toBeCloseTo(Math.log(0.5), 6);
    expect(rowSums(data, 1, 3)[0]).toBeCloseTo(1, 6);
  });

  it.each<[string, () => unknown, RegExp]>([
    ['a length that is not frames*vocab', () => logSoftmax(new Float32Array(5), 2, 3), /2\*3 = 6 .* got 5/],
    ['zero frames', () => logSoftmax(new Float32Array(0), 0, 3), /at least 1 frame/],
    ['NaN', () => logSoftmax(Float32Array.from([0, Number.NaN]), 1, 2), /logits\[0, 1\] = NaN/],
    [
      '+Infinity',
      () => logSoftmax(Float32Array.from([Number.POSITIVE_INFINITY, 0]), 1, 2),
      /logits\[0, 0\] = Infinity/,
    ],
    [
      'a row with no finite logit',
      () => logSoftmax(Float32Array.from([0, 0, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]), 2, 2),
      /row 1 is all -Infinity/,
    ],
  ])('rejects %s', (_name, act, message) => {
    expect(act).toThrow(InvalidInputError);
    expect(act).toThrow(message);
  });
});
