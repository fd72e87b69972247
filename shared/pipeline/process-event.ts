import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { Semaphore } from '../concurrency/semaphore';
import { AlignError, InternalError } from '../errors';
import { type EventItem, parseObjectEvents } from '../events/object-events';
import type { ActivityOutcome } from './activity-outcome';
import { type ObjectContext, processObject } from './object-activities';

/** What one invocation did; `response` is the SQS partial batch response (undefined for other sources). */
export interface InvocationResult {
  kind: 's3' | 'sqs' | 'eventbridge' | 'rerun';
  outcomes: ActivityOutcome[];
  response: SQSBatchResponse | undefined;
}

/** A transient failure that outlived its retries; thrown so that the event is delivered again. */
export class RedeliveryNeededError extends AlignError {
  public constructor(failures: readonly ActivityOutcome[]) {
    const first = failures.find((failure) => failure.status === 'failed');
    const described = failures.map((failure) =>
      failure.status === 'failed'
        ? `${failure.key} (${failure.error.code}: ${failure.error.message})`
        : failure.key,
    );
    super(
      first?.status === 'failed' ? first.error.code : 'INTERNAL',
      `${failures.length} activit${failures.length === 1 ? 'y' : 'ies'} failed transiently and will be retried: ${described.join('; ')}`,
      { retryable: true },
    );
    this.name = 'RedeliveryNeededError';
  }
}

/**
 * Processes an invocation's event: at most PIPELINE_MAX_CONCURRENCY activities at once, one failure never
 * failing the others. For SQS, messages with a transient failure that exhausted its retries are reported as
 * batch item failures (redelivered, then dead-lettered); permanent failures are recorded and not reported,
 * so they are not redelivered forever.
 */
export async function processEvent(context: ObjectContext, event: unknown): Promise<InvocationResult> {
  const batch = parseObjectEvents(event);
  const slots = new Semaphore(context.settings.maxConcurrency);
  const outcomes: ActivityOutcome[] = [];
  const runItem = async (item: EventItem): Promise<ActivityOutcome[]> => {
    if (item.error !== undefined) {
      context.log.error('unreadable message dropped', { itemId: item.itemId, error: item.error.message });
      return [];
    }
    const results = await Promise.all(
      item.objects.map((object) =>
        slots.run(() =>
          processObject(context, object, {
            delivery: item.delivery,
            force: item.force,
            backend: item.backend,
            // A rerun comes from the state machine, whose Retry and RecordFailure states own transient failures.
            deferTransientFailures: batch.kind === 'rerun',
          }),
        ),
      ),
    );
    const flat = results.flat();
    outcomes.push(...flat);
    return flat;
  };

  if (batch.kind !== 'sqs') {
    await Promise.all(batch.items.map(runItem));
    return { kind: batch.kind, outcomes, response: undefined };
  }
  const items = new Map(batch.items.map((item) => [item.itemId, item]));
  const processor = new BatchProcessor(EventType.SQS);
  const response = await processPartialResponse(
    event as { Records: SQSRecord[] },
    async (record: SQSRecord) => {
      const item = items.get(record.messageId);
      if (item === undefined)
        throw new InternalError(`SQS record ${record.messageId} is not in the batch read`);
      const transient = (await runItem(item)).filter(
        (outcome) => outcome.status === 'failed' && outcome.retryable,
      );
      if (transient.length > 0) throw new RedeliveryNeededError(transient);
    },
    processor,
    { throwOnFullBatchFailure: false },
  );
  return { kind: 'sqs', outcomes, response };
}

/** What a rerun (docs/reruns.md#the-input, from the state machine or the console) answers: the file's outcome. */
export interface RerunResponse {
  status: ActivityOutcome['status'];
  key: string;
  resultKey?: string;
  failureKey?: string;
  executionName?: string;
  reason?: string;
  error?: { code: string; message: string };
}

function rerunResponse(outcome: ActivityOutcome): RerunResponse {
  switch (outcome.status) {
    case 'succeeded':
      return { status: outcome.status, key: outcome.key, resultKey: outcome.resultKeys[0] };
    case 'skipped':
      return { status: outcome.status, key: outcome.key, reason: outcome.reason };
    case 'handed-off':
      return { status: outcome.status, key: outcome.key, executionName: outcome.executionName };
    case 'failed':
      return {
        status: outcome.status,
        key: outcome.key,
        error: { code: outcome.error.code, message: outcome.error.message },
        ...(outcome.failureKey === undefined ? {} : { failureKey: outcome.failureKey }),
      };
  }
}

/**
 * The Lambda contract on top of processEvent: SQS gets its partial batch response; a rerun gets its file's
 * outcome; a direct, EventBridge or rerun invocation with a transient failure throws so that Lambda (or the
 * state machine's retry policy) tries again, which idempotency makes cheap.
 */
export async function handleEvent(
  context: ObjectContext,
  event: unknown,
): Promise<SQSBatchResponse | RerunResponse | undefined> {
  const result = await processEvent(context, event);
  if (result.kind === 'sqs') return result.response;
  const transient = result.outcomes.filter((outcome) => outcome.status === 'failed' && outcome.retryable);
  if (transient.length > 0) throw new RedeliveryNeededError(transient);
  if (result.kind === 'rerun' && result.outcomes[0] !== undefined) return rerunResponse(result.outcomes[0]);
  return undefined;
}
