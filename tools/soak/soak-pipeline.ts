import type { SQSBatchResponse } from 'aws-lambda';
import { type AlignHandler, createHandler } from '../../lambdas/align-cpu';
import { loadConfig } from '../../shared/config/app-config';
import type { ObjectHead } from '../../shared/pipeline/object-store';
import { S3ClientPool } from '../../shared/s3/s3-client-pool';
import { S3Store } from '../../shared/s3/s3-store';
import type { ActivityTelemetry } from '../../shared/telemetry/activity-metrics';
import type { PipelineLog } from '../../shared/telemetry/pipeline-logger';
import { LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION } from '../local-s3/local-s3-server';
import { toAwsS3Event } from '../local-s3/s3-event-adapter';
import type { CountingModel } from './counting-model';
import type { SoakActivity } from './soak-inputs';

/** Log lines per level; the soak prints counts instead of thousands of retry warnings. */
export class CountingLog implements PipelineLog {
  public readonly counts: Record<'debug' | 'info' | 'warn' | 'error', number> = {
    debug: 0,
    info: 0,
    warn: 0,
    error: 0,
  };

  /** Counts a DEBUG line. */
  public debug(): void {
    this.counts.debug++;
  }

  /** Counts an INFO line. */
  public info(): void {
    this.counts.info++;
  }

  /** Counts a WARN line. */
  public warn(): void {
    this.counts.warn++;
  }

  /** Counts an ERROR line. */
  public error(): void {
    this.counts.error++;
  }
}

/** Activity outcomes as the metrics would count them. */
export class CountingTelemetry implements ActivityTelemetry {
  public successes = 0;
  public readonly failures = new Map<string, number>();

  /** Counts a success (the Lambda would emit ActivitySuccess=1). */
  public succeeded(): void {
    this.successes++;
  }

  /** Counts a failure by code. */
  public failed(code: string): void {
    this.failures.set(code, (this.failures.get(code) ?? 0) + 1);
  }
}

/** An S3 store straight to the local server (no faults), for uploads and checks. */
export function adminStore(endpoint: string): { store: S3Store; pool: S3ClientPool } {
  const config = loadConfig({ S3_ENDPOINT: endpoint }).s3;
  const pool = new S3ClientPool(config, { region: LOCAL_S3_REGION, credentials: LOCAL_S3_CREDENTIALS });
  return { store: new S3Store(pool, config, new CountingLog()), pool };
}

/** Uploads every activity's transcript, then its audio. */
export async function uploadActivities(
  store: S3Store,
  bucket: string,
  activities: readonly SoakActivity[],
): Promise<void> {
  for (const activity of activities) {
    await store.put(bucket, activity.transcriptKey, activity.text, {
      contentType: 'text/plain; charset=utf-8',
    });
    await store.put(bucket, activity.audioKey, activity.wav, { contentType: 'audio/wav' });
  }
}

/** HEADs of every input object (audio and transcript), to show the pipeline left them untouched. */
export async function inputHeads(
  store: S3Store,
  bucket: string,
  activities: readonly SoakActivity[],
): Promise<Map<string, ObjectHead | undefined>> {
  const heads = new Map<string, ObjectHead | undefined>();
  for (const activity of activities) {
    for (const key of [activity.audioKey, activity.transcriptKey])
      heads.set(key, await store.head(bucket, key));
  }
  return heads;
}

/** The handler of the align-cpu Lambda against `endpoint`, with the given model, log and telemetry. */
export function soakHandler(
  endpoint: string,
  env: Record<string, string>,
  parts: { model: CountingModel; log: PipelineLog; telemetry: ActivityTelemetry },
): AlignHandler {
  return createHandler(
    { S3_ENDPOINT: endpoint, ...env },
    {
      s3: { region: LOCAL_S3_REGION, credentials: LOCAL_S3_CREDENTIALS },
      model: async () => parts.model,
      log: parts.log,
      telemetry: parts.telemetry,
    },
  );
}

interface QueuedMessage {
  id: string;
  activity: SoakActivity;
  receives: number;
}

/** How SQS delivery went: messages redelivered after a batch item failure, and those dead-lettered. */
export interface DeliveryStats {
  invocations: number;
  redeliveries: number;
  deadLettered: number;
  /** Invocations that threw (SQS would redeliver the whole batch). */
  handlerErrors: number;
}

/**
 * Delivers one S3 notification per activity through SQS semantics: batches of `batchSize`, messages named in
 * batchItemFailures come back (ApproximateReceiveCount + 1) until `maxReceiveCount`, then are dead-lettered.
 * `afterBatch` sees how many activities have had their first delivery.
 */
export async function deliverThroughQueue(
  handler: AlignHandler,
  bucket: string,
  activities: readonly SoakActivity[],
  options: { batchSize: number; maxReceiveCount: number; afterBatch?: (delivered: number) => void },
): Promise<DeliveryStats> {
  const queue: QueuedMessage[] = activities.map((activity, i) => ({ id: `m-${i}`, activity, receives: 0 }));
  const stats: DeliveryStats = { invocations: 0, redeliveries: 0, deadLettered: 0, handlerErrors: 0 };
  let firstDeliveries = 0;
  while (queue.length > 0) {
    const batch = queue.splice(0, options.batchSize);
    for (const message of batch) {
      if (message.receives === 0) firstDeliveries++;
      message.receives++;
    }
    const event = {
      Records: batch.map((message) => ({
        messageId: message.id,
        receiptHandle: message.id,
        eventSource: 'aws:sqs',
        attributes: { ApproximateReceiveCount: String(message.receives) },
        body: JSON.stringify(
          toAwsS3Event([
            {
              eventName: 'ObjectCreated:Put',
              eventTime: new Date().toISOString(),
              s3: {
                bucket: { name: bucket },
                object: { key: message.activity.audioKey, size: message.activity.wav.length },
              },
            },
          ]),
        ),
      })),
    };
    stats.invocations++;
    let failedIds: Set<string>;
    try {
      const response = (await handler(event)) as SQSBatchResponse | undefined;
      failedIds = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch {
      stats.handlerErrors++;
      failedIds = new Set(batch.map((message) => message.id));
    }
    for (const message of batch) {
      if (!failedIds.has(message.id)) continue;
      if (message.receives >= options.maxReceiveCount) stats.deadLettered++;
      else {
        stats.redeliveries++;
        queue.push(message);
      }
    }
    options.afterBatch?.(firstDeliveries);
  }
  return stats;
}
