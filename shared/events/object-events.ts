import { InvalidInputError } from '../errors';
import {
  eventBridgeObjectCreatedSchema,
  rerunInputSchema,
  type S3NotificationRecord,
  type SqsRecord,
  s3NotificationSchema,
  s3TestEventSchema,
  sqsEventSchema,
} from './s3-event-schemas';

/** One object-created notification, key decoded; `keyError` says why the key could not be decoded. */
export interface ObjectCreated {
  bucket: string;
  /** The object key, URL-decoded (`+` is a space); the raw event value when it does not decode. */
  key: string;
  size: number | undefined;
  etag: string | undefined;
  keyError?: string;
  /** A rerun's explicit transcript key (docs/reruns.md#the-input); undefined: discover it. */
  transcriptKey?: string;
}

/** A unit that succeeds or fails as a whole: one SQS message, or the whole direct/EventBridge invocation. */
export interface EventItem {
  /** SQS message id (the batch item identifier); undefined outside SQS. */
  itemId: string | undefined;
  /** SQS ApproximateReceiveCount, 1 for first delivery. */
  delivery: number;
  objects: ObjectCreated[];
  /** Why the message could not be read (a permanent problem: redelivery would not help). */
  error?: InvalidInputError;
  /** A rerun asks to reprocess even when an up-to-date result exists. */
  force: boolean;
  /** A rerun may pin the backend; undefined: decided by configuration and size. */
  backend: 'cpu' | 'triton' | undefined;
}

/** How the invocation arrived, and its items. */
export interface ObjectEventBatch {
  kind: 's3' | 'sqs' | 'eventbridge' | 'rerun';
  items: EventItem[];
}

/** Decodes an event key: S3 sends keys form-encoded (`+` for space, `%XX` for other bytes). */
export function decodeEventKey(raw: string): string {
  return decodeURIComponent(raw.replace(/\+/g, ' '));
}

function objectCreated(
  bucket: string,
  rawKey: string,
  size: number | undefined,
  etag: string | undefined,
): ObjectCreated {
  try {
    return { bucket, key: decodeEventKey(rawKey), size, etag };
  } catch {
    return {
      bucket,
      key: rawKey,
      size,
      etag,
      keyError: `the event key "${rawKey}" is not valid URL encoding`,
    };
  }
}

function fromNotificationRecords(records: readonly S3NotificationRecord[]): ObjectCreated[] {
  return records
    .filter((record) => record.eventName.startsWith('ObjectCreated:'))
    .map((record) =>
      objectCreated(
        record.s3.bucket.name,
        record.s3.object.key,
        record.s3.object.size,
        record.s3.object.eTag,
      ),
    );
}

/** Objects in one SQS body: an S3 notification, an EventBridge event, or S3's test message (nothing). */
function fromSqsBody(record: SqsRecord): ObjectCreated[] {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch (error) {
    throw new InvalidInputError(
      `SQS message ${record.messageId} is not JSON; expected an S3 event notification`,
      {
        cause: error,
      },
    );
  }
  const notification = s3NotificationSchema.safeParse(body);
  if (notification.success) return fromNotificationRecords(notification.data.Records);
  const bridged = eventBridgeObjectCreatedSchema.safeParse(body);
  if (bridged.success) return [fromEventBridge(bridged.data.detail)];
  if (s3TestEventSchema.safeParse(body).success) return [];
  throw new InvalidInputError(
    `SQS message ${record.messageId} holds neither an S3 event notification ({"Records":[{"eventSource":"aws:s3",...}]}) ` +
      'nor an EventBridge "Object Created" event',
  );
}

function fromEventBridge(detail: {
  bucket: { name: string };
  object: { key: string; size?: number | undefined; etag?: string | undefined };
}): ObjectCreated {
  return objectCreated(detail.bucket.name, detail.object.key, detail.object.size, detail.object.etag);
}

function plainItem(objects: ObjectCreated[]): EventItem {
  return { itemId: undefined, delivery: 1, objects, force: false, backend: undefined };
}

function sqsItem(record: SqsRecord): EventItem {
  const item = {
    itemId: record.messageId,
    delivery: Number(record.attributes?.ApproximateReceiveCount ?? '1') || 1,
    force: false,
    backend: undefined,
  };
  try {
    return { ...item, objects: fromSqsBody(record) };
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    return { ...item, objects: [], error };
  }
}

/**
 * Recognises the three shapes AWS delivers object-created events in: a direct S3 notification, SQS messages
 * carrying S3 notifications (or EventBridge events), and an EventBridge "Object Created" event; plus the
 * rerun input (docs/reruns.md#the-input) that the state machine (or a person, from the console) sends.
 * A malformed SQS body becomes an item with an `error` so that one bad message does not sink the batch.
 */
export function parseObjectEvents(event: unknown): ObjectEventBatch {
  const direct = s3NotificationSchema.safeParse(event);
  if (direct.success && direct.data.Records.length > 0) {
    return { kind: 's3', items: [plainItem(fromNotificationRecords(direct.data.Records))] };
  }
  const sqs = sqsEventSchema.safeParse(event);
  if (sqs.success) {
    return {
      kind: 'sqs',
      items: sqs.data.Records.map((record) => sqsItem(record)),
    };
  }
  const bridged = eventBridgeObjectCreatedSchema.safeParse(event);
  if (bridged.success) {
    return { kind: 'eventbridge', items: [plainItem([fromEventBridge(bridged.data.detail)])] };
  }
  const rerun = rerunInputSchema.safeParse(event);
  if (rerun.success) {
    const { bucket, key, transcriptKey, backend, force } = rerun.data;
    const object: ObjectCreated = { bucket, key, size: undefined, etag: undefined };
    if (transcriptKey !== undefined) object.transcriptKey = transcriptKey;
    return { kind: 'rerun', items: [{ ...plainItem([object]), force: force === true, backend }] };
  }
  throw new InvalidInputError(
    'unrecognised event: expected an S3 event notification ({"Records":[{"eventSource":"aws:s3",...}]}), ' +
      'an SQS batch of them, an EventBridge "Object Created" event from aws.s3, or a rerun ' +
      '{"bucket", "key", "transcriptKey"?, "backend"?: "triton"|"cpu", "force"?: true}',
  );
}
