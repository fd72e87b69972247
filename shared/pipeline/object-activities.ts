import { type AlignError, InvalidInputError, toAlignError } from '../errors';
import type { ObjectCreated } from '../events/object-events';
import type { ResultSource } from '../output/result';
import { withRetry } from '../s3/retry';
import type { ActivityTelemetry } from '../telemetry/activity-metrics';
import type { ActivityOutcome } from './activity-outcome';
import { type ActivityContext, runAudioActivity, sourceOf } from './audio-activity';
import { EmissionsMemo } from './emissions-memo';
import type { KeyedQueue } from './keyed-queue';
import { AUDIO_EXTENSIONS, classifyKey, failureKey, incomingKey, rejectedFailureKey } from './object-keys';
import { failureRecord, writeFailure } from './result-store';

/** Shared services plus the metrics sink, the per-object queue and a clock for failure records. */
export interface ObjectContext extends ActivityContext {
  telemetry: ActivityTelemetry;
  queue: KeyedQueue;
  now?: () => Date;
}

/** How an object reached us: SQS delivery count, and whether to reprocess up-to-date results. */
export interface ObjectOptions {
  delivery: number;
  force: boolean;
  backend: 'cpu' | 'triton' | undefined;
  /**
   * A transient failure that outlives this invocation's retries is returned without a failure record or
   * metrics: the caller (the state machine, for reruns) retries it and records it once its retries are spent.
   */
  deferTransientFailures?: boolean;
}

/**
 * Everything one object-created event means: an audio object runs its activity; a transcript (re)runs the
 * activity of each audio object with its name; hostile keys get a failure record under a hashed name.
 */
export async function processObject(
  context: ObjectContext,
  object: ObjectCreated,
  options: ObjectOptions,
): Promise<ActivityOutcome[]> {
  const { layout } = context.settings;
  const { bucket, key } = object;
  const classified =
    object.keyError === undefined
      ? classifyKey(key, layout)
      : { kind: 'rejected' as const, reason: object.keyError };
  switch (classified.kind) {
    case 'ignored':
      context.log.debug('key ignored', { bucket, key, reason: classified.reason });
      return [{ status: 'skipped', bucket, key, reason: classified.reason }];
    case 'rejected':
      return [await rejectKey(context, bucket, key, classified.reason, options)];
    case 'audio':
      return [
        await queued(context, bucket, key, () =>
          processAudio(context, bucket, key, classified.stem, options, object.transcriptKey),
        ),
      ];
    case 'transcript': {
      const audioKeys = AUDIO_EXTENSIONS.map((extension) => incomingKey(layout, classified.stem, extension));
      const heads = await Promise.all(audioKeys.map((audioKey) => context.store.head(bucket, audioKey)));
      const present = audioKeys.filter((_, i) => heads[i] !== undefined);
      if (present.length === 0) {
        return [
          {
            status: 'skipped',
            bucket,
            key,
            reason: 'no audio for this transcript yet; its upload will trigger the activity',
          },
        ];
      }
      return Promise.all(
        present.map((audioKey) =>
          queued(context, bucket, audioKey, () =>
            processAudio(context, bucket, audioKey, classified.stem, options),
          ),
        ),
      );
    }
  }
}

function queued(
  context: ObjectContext,
  bucket: string,
  key: string,
  task: () => Promise<ActivityOutcome>,
): Promise<ActivityOutcome> {
  return context.queue.run(`${bucket}\u0000${key}`, task);
}

async function rejectKey(
  context: ObjectContext,
  bucket: string,
  key: string,
  reason: string,
  options: ObjectOptions,
): Promise<ActivityOutcome> {
  const error = new InvalidInputError(`refusing key ${JSON.stringify(key)}: ${reason}`);
  const recordKey = rejectedFailureKey(context.settings.layout, key);
  context.log.warn('key rejected', { bucket, key, reason });
  const written = await recordFailure(
    context,
    bucket,
    recordKey,
    error,
    { bucket, key },
    { attempt: 1, delivery: options.delivery },
  );
  context.telemetry.failed(error.code, context.backend ?? 'cpu', !written);
  return { status: 'failed', bucket, key, error, retryable: false, failureKey: recordKey };
}

/** One memo per pipeline context (a warm process), created on first use. */
const memos = new WeakMap<ObjectContext, EmissionsMemo>();

function memoOf(context: ObjectContext): EmissionsMemo {
  let memo = memos.get(context);
  if (memo === undefined) {
    memo = new EmissionsMemo();
    memos.set(context, memo);
  }
  return memo;
}

/**
 * Runs one audio activity with activity-level retries of retryable failures; a final failure writes the
 * failure record and the failure metrics. Inputs are only ever read. A retry after inference reuses the
 * emissions of the same audio version, so a failed upload never costs a second inference.
 */
async function processAudio(
  context: ObjectContext,
  bucket: string,
  key: string,
  stem: string,
  options: ObjectOptions,
  transcriptKey?: string,
): Promise<ActivityOutcome> {
  let attempts = 0;
  let head: Awaited<ReturnType<typeof context.store.head>>;
  const memo = memoOf(context);
  const object = `${bucket}\u0000${key}`;
  const activityContext: ActivityContext = {
    ...context,
    model: async () => memo.modelFor(await context.model(), object, () => head?.etag),
  };
  try {
    const outcome = await withRetry(
      async (attempt) => {
        attempts = attempt;
        head = await context.store.head(bucket, key);
        if (head === undefined) {
          return { status: 'skipped' as const, bucket, key, reason: 'the audio object no longer exists' };
        }
        return runAudioActivity(activityContext, {
          bucket,
          key,
          stem,
          head,
          force: options.force,
          backend: options.backend,
          ...(transcriptKey === undefined ? {} : { transcriptKey }),
        });
      },
      context.settings.retry,
      {
        onRetry: (attempt, delayMs, error) =>
          context.log.warn('activity failed, retrying', {
            bucket,
            key,
            attempt,
            delayMs,
            code: toAlignError(error).code,
            error: toAlignError(error).message,
          }),
      },
    );
    memo.forget(object);
    if (outcome.status === 'succeeded') context.telemetry.succeeded(outcome.result);
    return outcome;
  } catch (thrown) {
    const error = toAlignError(thrown);
    if (error.retryable && options.deferTransientFailures === true) {
      context.log.warn('activity failed transiently; left to the caller to retry and record', {
        bucket,
        key,
        code: error.code,
        error: error.message,
      });
      return { status: 'failed', bucket, key, error, retryable: true, failureKey: undefined };
    }
    const recordKey = failureKey(context.settings.layout, stem);
    const source = head === undefined ? { bucket, key } : sourceOf({ bucket, key, head });
    context.log.error('activity failed', {
      bucket,
      key,
      code: error.code,
      error: error.message,
      retryable: error.retryable,
    });
    const written = await recordFailure(context, bucket, recordKey, error, source, {
      attempt: attempts,
      delivery: options.delivery,
    });
    context.telemetry.failed(error.code, context.backend ?? 'cpu', !written);
    return { status: 'failed', bucket, key, error, retryable: error.retryable, failureKey: recordKey };
  }
}

/**
 * Writes a failure record and says whether it was written; a record that cannot be written is logged (and
 * counted by the caller's metrics), never allowed to mask the failure.
 */
async function recordFailure(
  context: ObjectContext,
  bucket: string,
  recordKey: string,
  error: AlignError,
  source: ResultSource,
  tries: { attempt: number; delivery: number },
): Promise<boolean> {
  const outputBucket = context.settings.resultsBucket ?? bucket;
  const record = failureRecord(error, source, tries, (context.now ?? (() => new Date()))());
  try {
    await writeFailure(context.store, outputBucket, recordKey, record);
    return true;
  } catch (writeError) {
    context.log.error('failure record could not be written', {
      bucket: outputBucket,
      key: recordKey,
      code: error.code,
      error: toAlignError(writeError).message,
    });
    return false;
  }
}
