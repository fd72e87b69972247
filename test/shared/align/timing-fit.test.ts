import {
  CorrectionOutOfRangeError,
  fitCorrection,
  formatSigned,
  MAX_CORRECTION_SEC,
  median,
  summarizeErrors,
} from '../../../shared/align/timing-fit';
import { InternalError } from '../../../shared/errors';

function thrownBy(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('it did not throw');
}

describe('fitCorrection', () => {
  it('is minus the median signed error of starts and of ends apart', () => {
    // Prepare: starts 10 ms late with one outlier, ends 50 ms early.
    const errors = { starts: [0.01, 0.012, 0.008, 0.15, 0.01], ends: [-0.05, -0.048, -0.052, -0.05] };

    // Act
    const fitted = fitCorrection(errors);

    // Assess
    expect(fitted).toEqual({ startSec: -0.01, endSec: 0.05 });
  });

  it('rounds to the millisecond and never gives -0', () => {
    const fitted = fitCorrection({ starts: [0.0123456, 0.0123456], ends: [0, 0.0001, -0.0001] });

    expect(fitted.startSec).toBe(-0.012);
    expect(Object.is(fitted.endSec, 0)).toBe(true);
  });

  it('refuses a correction at the plausible limit, naming the boundary, the value and the likely cause', () => {
    // Prepare: references 0.5 s later than the speech.
    const errors = { starts: [-0.5, -0.49, -0.51], ends: [0.01, 0.02, 0] };

    // Act
    const fitting = () => fitCorrection(errors);

    // Assess
    expect(fitting).toThrow(CorrectionOutOfRangeError);
    expect(fitting).toThrow(
      /start correction, \+0\.500 s, is at or beyond the ±0\.2 s.*count from the start/,
    );
    expect(thrownBy(fitting)).toMatchObject({
      code: 'ALIGNMENT_IMPOSSIBLE',
      boundary: 'start',
      fittedSec: 0.5,
    });
  });

  it('refuses exactly the limit and accepts a millisecond less', () => {
    const atLimit = { starts: [0], ends: [-MAX_CORRECTION_SEC] };
    const justUnder = { starts: [0], ends: [-(MAX_CORRECTION_SEC - 0.001)] };

    expect(() => fitCorrection(atLimit)).toThrow(CorrectionOutOfRangeError);
    expect(fitCorrection(justUnder).endSec).toBe(0.199);
  });
});

describe('summarizeErrors', () => {
  it('gives the mean and median absolute error and the shares within 20 and 50 ms', () => {
    // Prepare
    const signed = [-0.01, 0.03, -0.06, 0.005];

    // Act
    const summary = summarizeErrors(signed);

    // Assess
    expect(summary.count).toBe(4);
    expect(summary.meanSec).toBeCloseTo(0.02625, 12);
    expect(summary.medianSec).toBeCloseTo(0.02, 12);
    expect(summary.within20ms).toBe(0.5);
    expect(summary.within50ms).toBe(0.75);
  });

  it('counts an error of exactly 20 or 50 ms as within, whatever the float subtraction left', () => {
    const signed = [1.37 - 1.32, 0.6 - 0.55, 0.92 - 0.9];

    const summary = summarizeErrors(signed);

    expect(summary.within50ms).toBe(1);
    expect(summary.within20ms).toBeCloseTo(1 / 3, 12);
  });
});

describe('median', () => {
  it('takes the middle value of an odd count and the mean of the middle two of an even one', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('refuses an empty list', () => {
    expect(() => median([])).toThrow(InternalError);
  });
});

describe('formatSigned', () => {
  it('writes seconds to the millisecond with a sign', () => {
    expect(formatSigned(0.052)).toBe('+0.052');
    expect(formatSigned(-0.0019)).toBe('-0.002');
    expect(formatSigned(0)).toBe('+0.000');
  });
});
