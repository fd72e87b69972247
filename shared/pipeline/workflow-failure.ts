import type { AlignError } from '../errors';
import { rerunInputSchema } from '../events/s3-event-schemas';
import type { ResultSource } from '../output/result';
import { recordFailure } from './failure-recorder';
import type { ObjectContext } from './object-activities';
import { sourceOf } from './result-source';
import type { RecordFailureInput } from './workflow-events';
import { errorOfCaughtFailure, TASK_ERROR_NAMES } from './workflow-task-errors';

/** What the RecordFailure step answers; the Fail state takes `code` as its Error and `message` as its Cause. */
export interface RecordedFailure {
  code: string;
  message: string;
  /** Where the record was written; absent when the input named no object, or the write failed. */
  failureKey?: string;
}

/**
 * Ends a failed execution once the state machine's retries are spent: records the failure where and as the
 * pipeline records its own (`recordFailure`: the metrics under the branch's Backend exactly once per
 * invocation, a record the store refuses counted as FailureRecordsLost rather than thrown, so the state
 * machine's retries never emit the metrics twice).
 */
export async function recordWorkflowFailure(
  context: ObjectContext,
  request: RecordFailureInput,
): Promise<RecordedFailure> {
  const error = errorOfCaughtFailure(request.failure);
  const { backend } = request;
  const input = rerunInputSchema.safeParse(request.input);
  if (!input.success) {
    context.log.error('workflow failed for an input naming no object', {
      code: error.code,
      error: error.message,
    });
    context.telemetry.failed(error.code, backend);
    return { code: error.code, message: error.message };
  }
  const { bucket, key } = input.data;
  const { layout } = context.settings;
  const classified = layout.classify(key);
  const recordKey =
    classified.kind === 'audio' || classified.kind === 'transcript'
      ? layout.failureKey(classified)
      : layout.rejectedFailureKey(key);
  const attempt = wasRetried(request.failure.Error) ? request.maxAttempts + 1 : 1;
  context.log.error('workflow failed', { bucket, key, code: error.code, error: error.message });
  const failureKey = await recordFailure(context, {
    bucket,
    key,
    recordKey,
    error,
    source: await sourceOrKey(context, bucket, key),
    tries: { attempt, delivery: 1 },
    backend,
  });
  return { code: error.code, message: error.message, ...(failureKey === undefined ? {} : { failureKey }) };
}

/** Errors the state machine retries before catching them (see RETRYABLE_ERRORS in the construct's settings). */
function wasRetried(errorName: string): boolean {
  return (
    errorName === TASK_ERROR_NAMES.transient ||
    errorName === 'RedeliveryNeededError' ||
    errorName.startsWith('Lambda.')
  );
}

/** The record's source: with the audio's ETag and size when it can still be read, else bucket and key. */
async function sourceOrKey(context: ObjectContext, bucket: string, key: string): Promise<ResultSource> {
  try {
    return sourceOf(context.store, { bucket, key, head: await context.store.head(bucket, key) });
  } catch (error) {
    context.log.warn('audio head failed while recording a failure', {
      bucket,
      key,
      error: (error as AlignError).message,
    });
    return context.store.locate(bucket, key);
  }
}
