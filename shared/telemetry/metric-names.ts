import { isErrorCode } from '../errors';

/**
 * Metric names the stack's alarms read as well as the pipeline writes, kept apart from the Powertools
 * emitter so that synthesizing the stack does not load it.
 */

/** 1 per failed activity whose failure record could not be written (S3 refused it through every retry). */
export const FAILURE_RECORDS_LOST = 'FailureRecordsLost';

/** Name of the per-code failure metric, e.g. `Error_AUDIO_DECODE`; unknown codes count as INTERNAL. */
export function errorCodeMetric(code: string): string {
  return `Error_${isErrorCode(code) ? code : 'INTERNAL'}`;
}
