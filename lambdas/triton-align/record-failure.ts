import type { AlignError } from '../../shared/errors';
import { rerunInputSchema } from '../../shared/events/s3-event-schemas';
import type { ResultSource } from '../../shared/output/result';
import { sourceOf } from '../../shared/pipeline/audio-activity';
import type { ObjectContext } from '../../shared/pipeline/object-activities';
import { classifyKey, failureKey, rejectedFailureKey } from '../../shared/pipeline/object-keys';
import { failureRecord, writeFailure } from '../../shared/pipeline/result-store';
import { errorOfCaughtFailure, TASK_ERROR_NAMES, toWorkflowTaskError } from './task-errors';
import type { RecordFailureInput } from './workflow-event';

/** What the RecordFailure step answers; the Fail state takes `code` as its Error and `message` as its Cause. */
export interface RecordedFailure {
  code: string;
  message: string;
  /** Where the record was written; absent when the input named no object to write it for. */
  failureKey?: string;
}

/**
 * Ends a failed execution once the state machine's retries are spent: writes the failure record where the
 * pipeline writes its own (same shape) and emits the failure metrics with the branch's Backend, exactly once.
 * A failed write is thrown as a task error so the state's Retry tries it again.
 */
export async function recordWorkflowFailure(
  context: ObjectContext,
  request: RecordFailureInput,
): Promise<RecordedFailure> {
  const error = errorOfCaughtFailure(request.failure);
  const input = rerunInputSchema.safeParse(request.input);
  const backend = input.success && input.data.backend === 'cpu' ? 'cpu' : 'triton';
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
  try {
    await writeFailure(context.store, resultsBucket ?? bucket, recordKey, record);
  } catch (writeError) {
    throw toWorkflowTaskError(writeError);
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
