import { type AlignError, toAlignError } from '../errors';
import type { ResultSource } from '../output/result';
import type { ObjectContext } from './object-activities';
import { CONTENT_TYPES } from './result-store';

/** `failed/<path>/<name>.json` in a bucket, `<name>.error.json` in a folder (docs/errors.md#failure-records). */
export interface FailureRecord {
  error: { code: string; message: string };
  source: ResultSource;
  /** Tries made in the invocation that gave up. */
  attempt: number;
  /** SQS delivery count when the event came through SQS, else 1. */
  delivery: number;
  at: string;
}

/** One failure to record and count. */
export interface Failure {
  /** The bucket of the input that failed; the record goes to RESULTS_BUCKET when one is set. */
  bucket: string;
  /** The input's key, for the log. */
  key: string;
  recordKey: string;
  error: AlignError;
  source: ResultSource;
  tries: { attempt: number; delivery: number };
  /** The metrics' Backend dimension. */
  backend: 'cpu' | 'triton';
}

/**
 * Writes a failure record and emits the failure metrics, once; answers the record's key, or undefined when it
 * could not be written. Such a record is logged and counted (FailureRecordsLost), never thrown: it must not mask
 * the failure, nor make a caller's retry (SQS, the state machine) count the failure twice.
 */
export async function recordFailure(
  context: Pick<ObjectContext, 'store' | 'log' | 'telemetry' | 'settings' | 'now'>,
  failure: Failure,
): Promise<string | undefined> {
  const { error, recordKey } = failure;
  const outputBucket = context.settings.resultsBucket ?? failure.bucket;
  const record: FailureRecord = {
    error: { code: error.code, message: error.message },
    source: failure.source,
    ...failure.tries,
    at: (context.now ?? (() => new Date()))().toISOString(),
  };
  try {
    await context.store.put(outputBucket, recordKey, `${JSON.stringify(record, null, 2)}\n`, {
      contentType: CONTENT_TYPES.json,
    });
  } catch (writeError) {
    context.log.error('failure record could not be written', {
      bucket: outputBucket,
      key: recordKey,
      input: failure.key,
      code: error.code,
      error: toAlignError(writeError).message,
    });
    context.telemetry.failed(error.code, failure.backend, true);
    return undefined;
  }
  context.telemetry.failed(error.code, failure.backend);
  return recordKey;
}
