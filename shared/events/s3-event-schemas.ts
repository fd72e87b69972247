import { z } from 'zod';

/**
 * Only the fields the pipeline reads, so that every producer of these shapes (AWS, local servers, test
 * fixtures) is accepted; Powertools' full schemas demand fields (userIdentity, requestParameters...) that
 * carry nothing we use and that S3-compatible servers fill differently.
 */
const s3Object = z.object({
  key: z.string().min(1),
  size: z.number().int().nonnegative().optional(),
  eTag: z.string().optional(),
});

/** One record of an S3 event notification (direct, or inside an SQS/SNS message). */
export const s3NotificationRecordSchema = z.object({
  eventSource: z.literal('aws:s3'),
  eventName: z.string(),
  s3: z.object({ bucket: z.object({ name: z.string().min(1) }), object: s3Object }),
});

/** The S3 notification document: `{"Records": [...]}`. */
export const s3NotificationSchema = z.object({ Records: z.array(s3NotificationRecordSchema) });

/** The test message S3 sends once when a notification target is configured. */
export const s3TestEventSchema = z.object({ Event: z.literal('s3:TestEvent') });

/** An EventBridge "Object Created" event from S3. */
export const eventBridgeObjectCreatedSchema = z.object({
  source: z.literal('aws.s3'),
  'detail-type': z.literal('Object Created'),
  detail: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({
      key: z.string().min(1),
      size: z.number().int().nonnegative().optional(),
      etag: z.string().optional(),
    }),
  }),
});

/** One SQS message as Lambda delivers it; the body is parsed separately. */
export const sqsRecordSchema = z.object({
  messageId: z.string().min(1),
  body: z.string(),
  eventSource: z.literal('aws:sqs'),
  attributes: z.object({ ApproximateReceiveCount: z.string().optional() }).partial().optional(),
});

/** An SQS-triggered invocation. */
export const sqsEventSchema = z.object({ Records: z.array(sqsRecordSchema).min(1) });

/**
 * The state machine's input (docs/reruns.md#the-input), also pasted into "Start execution" to rerun one file.
 * Keys here are plain object keys (no URL encoding). Strict, so that a mistyped field is an error, not
 * silently ignored.
 */
export const rerunInputSchema = z.strictObject({
  bucket: z.string().min(1),
  key: z.string().min(1),
  transcriptKey: z.string().min(1).optional(),
  backend: z.enum(['triton', 'cpu']).optional(),
  force: z.boolean().optional(),
});

export type S3NotificationRecord = z.infer<typeof s3NotificationRecordSchema>;
export type SqsRecord = z.infer<typeof sqsRecordSchema>;
