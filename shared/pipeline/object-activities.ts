import type { KeyedQueue } from '../concurrency/keyed-queue';
import { withRetry } from '../concurrency/retry';
import { InvalidInputError, toAlignError } from '../errors';
import type { ObjectCreated } from '../events/object-events';
import type { ActivityTelemetry } from '../telemetry/activity-metrics';
import type { ClassifiedAudio } from './activity-layout';
import type { ActivityOutcome } from './activity-outcome';
import { type ActivityContext, runAudioActivity } from './audio-activity';
import { EmissionsMemo } from './emissions-memo';
import { recordFailure } from './failure-recorder';
import { AUDIO_EXTENSIONS } from './input-extensions';
import type { ObjectHead } from './object-store';
import { sourceOf } from './result-source';
import { type FoundTranscript, findTranscript } from './transcript-discovery';

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
 * Everything one object-created event means (or one file of a folder): an audio object runs its activity; a
 * transcript (re)runs the activity of each audio object of its stem, each filing its own result; hostile keys
 * get a failure record under a hashed name.
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
      ? layout.classify(key)
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
          processAudio(context, bucket, key, classified, options, object.transcriptKey),
        ),
      ];
    case 'transcript': {
      const audioKeys = AUDIO_EXTENSIONS.map((extension) => layout.inputKey(classified.stem, extension));
      const heads = await Promise.all(audioKeys.map((audioKey) => context.store.head(bucket, audioKey)));
      // An audio key its own event rejected (too long for its results) stays rejected, and is not run here.
      const present = audioKeys.flatMap((audioKey, i) => {
        const audio = layout.classify(audioKey);
        return heads[i] !== undefined && audio.kind === 'audio' ? [{ audioKey, audio }] : [];
      });
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
        present.map(({ audioKey, audio }) =>
          queued(context, bucket, audioKey, () => processAudio(context, bucket, audioKey, audio, options)),
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
  context.log.warn('key rejected', { bucket, key, reason });
  const failureKey = await recordFailure(context, {
    bucket,
    key,
    recordKey: context.settings.layout.rejectedFailureKey(key),
    error,
    source: context.store.locate(bucket, key),
    tries: { attempt: 1, delivery: options.delivery },
    backend: context.backend ?? 'cpu',
  });
  return { status: 'failed', bucket, key, error, retryable: false, failureKey };
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
 * Runs one audio activity with activity-level retries of retryable failures: each try reads the audio's head,
 * finds its transcript and runs the activity. A final failure writes the failure record (naming the transcript
 * when one was found) and the failure metrics. Inputs are only ever read. A retry after inference reuses the
 * emissions of the same audio version, so a failed upload never costs a second inference.
 */
async function processAudio(
  context: ObjectContext,
  bucket: string,
  key: string,
  audio: ClassifiedAudio,
  options: ObjectOptions,
  transcriptKey?: string,
): Promise<ActivityOutcome> {
  const { store, settings } = context;
  let attempts = 0;
  let head: ObjectHead | undefined;
  let transcript: FoundTranscript | undefined;
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
        transcript = undefined;
        head = await store.head(bucket, key);
        if (head === undefined) {
          return { status: 'skipped' as const, bucket, key, reason: 'the audio object no longer exists' };
        }
        const discovery = await findTranscript(
          store,
          bucket,
          settings.layout,
          audio.stem,
          head,
          transcriptKey,
        );
        transcript = discovery.transcript;
        return runAudioActivity(activityContext, {
          bucket,
          key,
          audio,
          head,
          transcript,
          transcriptKey,
          passedOver: discovery.passedOver,
          force: options.force,
          backend: options.backend,
        });
      },
      settings.retry,
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
    context.log.error('activity failed', {
      bucket,
      key,
      code: error.code,
      error: error.message,
      retryable: error.retryable,
    });
    const failureKey = await recordFailure(context, {
      bucket,
      key,
      recordKey: settings.layout.failureKey(audio),
      error,
      source: sourceOf(store, { bucket, key, head }, transcript),
      tries: { attempt: attempts, delivery: options.delivery },
      backend: context.backend ?? 'cpu',
    });
    return { status: 'failed', bucket, key, error, retryable: error.retryable, failureKey };
  }
}
