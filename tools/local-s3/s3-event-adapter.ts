import type { S3Event, S3EventRecord } from 'aws-lambda';

/** The record fields s3rver fills in (its keys are NOT URL-encoded, unlike AWS's). */
export interface LocalS3Record {
  eventName: string;
  eventTime: string;
  s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string; sequencer?: string } };
}

/** Encodes a key the way S3 event notifications carry it: form-encoded per path segment (space as "+"). */
export function encodeEventKey(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%20/g, '+'))
    .join('/');
}

/** Rewrites s3rver's event into the direct S3 notification shape AWS delivers to Lambda. */
export function toAwsS3Event(records: readonly LocalS3Record[]): S3Event {
  return {
    Records: records.map(
      (record): S3EventRecord => ({
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: record.eventTime,
        eventName: record.eventName as S3EventRecord['eventName'],
        userIdentity: { principalId: 'local' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'local', 'x-amz-id-2': 'local' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'local',
          bucket: {
            name: record.s3.bucket.name,
            ownerIdentity: { principalId: 'local' },
            arn: `arn:aws:s3:::${record.s3.bucket.name}`,
          },
          object: {
            key: encodeEventKey(record.s3.object.key),
            size: record.s3.object.size ?? 0,
            eTag: record.s3.object.eTag ?? '',
            sequencer: record.s3.object.sequencer ?? '0',
          },
        },
      }),
    ),
  };
}
