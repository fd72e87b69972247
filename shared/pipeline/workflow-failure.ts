import type { AlignError } from '../errors';
import { toAlignError } from '../errors';
import { rerunInputSchema } from '../events/s3-event-schemas';
import type { ResultSource } from '../output/result';
import { sourceOf } from './audio-activity';
import type { ObjectContext } from './object-activities';
import { classifyKey, failureKey, rejectedFailureKey } from './object-keys';
import { failureRecord, writeFailure } from './result-store';
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
 * Ends a failed execution once the state machine's retries are spent: writes the failure record where the
 * pipeline writes its own (same shape) and emits the failure metrics under the branch's Backend, exactly once
 * per invocation. A record S3 refuses through the store's retries is logged and counted (FailureRecordsLost)
 * rather than thrown, so the state machine's retries never emit the metrics twice.
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
  const { layout, resultsBucket } = context.settings;
  const classified = classifyKey(key, layout);
  const recordKey =
    classified.kind === 'audio' || classified.kind === 'transcript'
      ? failureKey(layout, classified.stem)
      : rejectedFailureKey(layout, key);
  const attempt = wasRetried(request.failure.Error) ? request.maxAttempts + 1 : 1;
  const record = failureRecord(
    error,
    await sourceOrKey(context, bucket, key),
    { attempt, delivery: 1 },
    (context.now ?? (() => new Date()))(),
  );
  const outputBucket = resultsBucket ?? bucket;
  try {
    await writeFailure(context.store, outputBucket, recordKey, record);
  } catch (writeError) {
    context.log.error('workflow failed and its failure record could not be written', {
      bucket,
      key,
      code: error.code,
      error: error.message,
      writeError: toAlignError(writeError).message,
    });
    context.telemetry.failed(error.code, backend, true);
    return { code: error.code, message: error.message };
  }
  context.log.error('workflow failed', {
    bucket,
    key,
    code: error.code,
    error: error.message,
    failureKey: recordKey,
  });
  context.telemetry.failed(error.code, backend);
  return { code: error.code, message: error.message, failureKey: recordKey };
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
    const head = await context.store.head(bucket, key);
    return head === undefined ? { bucket, key } : sourceOf({ bucket, key, head });
  } catch (error) {
    context.log.warn('audio head failed while recording a failure', {
      bucket,
      key,
      error: (error as AlignError).message,
    });
    return { bucket, key };
  }
}
