import { AlignError, InternalError } from '../errors';

/** A start and an end correction in seconds, as `timing_correction` holds them. */
export interface TimingCorrection {
  startSec: number;
  endSec: number;
}

/** Signed word boundary errors in seconds, aligned minus reference. */
export interface BoundaryErrors {
  starts: number[];
  ends: number[];
}

/** How far off boundaries are: absolute errors in seconds, and the shares within 20 and 50 ms. */
export interface ErrorSummary {
  count: number;
  meanSec: number;
  medianSec: number;
  within20ms: number;
  within50ms: number;
}

/** A larger fitted correction means references offset from the audio, not a model's bias: CTC drifts by frames. */
export const MAX_CORRECTION_SEC = 0.2;

/** The fit ran into the plausible range's limit, so the references and the alignments disagree too much to trust it. */
export class CorrectionOutOfRangeError extends AlignError {
  public constructor(
    public readonly boundary: 'start' | 'end',
    public readonly fittedSec: number,
  ) {
    // Same code as --min-score's refusal: the input does not fit the audio, the user's to fix; not a usage error.
    super(
      'ALIGNMENT_IMPOSSIBLE',
      `the fitted ${boundary} correction, ${formatSigned(fittedSec)} s, is at or beyond the ±${MAX_CORRECTION_SEC} s ` +
        'a model is plausibly biased by; check that the reference times count from the start of these audio files',
    );
    this.name = 'CorrectionOutOfRangeError';
  }
}

/**
 * The correction that minimises the mean absolute boundary error: minus the median of the signed errors, for
 * starts and ends apart, to the millisecond the aligner rounds to. Refused at or beyond MAX_CORRECTION_SEC.
 */
export function fitCorrection(errors: BoundaryErrors): TimingCorrection {
  const centre = (signed: readonly number[], boundary: 'start' | 'end'): number => {
    // + 0 turns the -0 of a zero median into 0.
    const value = Math.round(-median(signed) * 1000) / 1000 + 0;
    if (Math.abs(value) >= MAX_CORRECTION_SEC) throw new CorrectionOutOfRangeError(boundary, value);
    return value;
  };
  return { startSec: centre(errors.starts, 'start'), endSec: centre(errors.ends, 'end') };
}

/** Mean, median and shares within 20 and 50 ms of the absolute errors. */
export function summarizeErrors(signed: readonly number[]): ErrorSummary {
  const absolute = signed.map(Math.abs);
  const share = (limitSec: number): number =>
    // Times are rounded to the millisecond, so an error of exactly 50 ms can come out as 0.050000000000000044.
    absolute.filter((error) => error <= limitSec + 1e-9).length / absolute.length;
  return {
    count: absolute.length,
    meanSec: absolute.reduce((sum, error) => sum + error, 0) / absolute.length,
    medianSec: median(absolute),
    within20ms: share(0.02),
    within50ms: share(0.05),
  };
}

/** The median of a non-empty list (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new InternalError('the median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Seconds with an explicit sign, to the millisecond. */
export function formatSigned(seconds: number): string {
  return `${seconds < 0 ? '-' : '+'}${Math.abs(seconds).toFixed(3)}`;
}
