import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { asIBucket } from './construct-interfaces';
import { acknowledge } from './nag-findings';

/** The bucket's key layout (docs/s3-layout.md#prefixes); each prefix ends with "/". */
export interface KeyPrefixes {
  incoming: string;
  results: string;
  failed: string;
  /** Short-lived objects (bulk rerun reports); expired by a lifecycle rule. */
  temporary: string;
  /** The Triton model repository (`w2v2-align triton-repo` output, uploaded here). */
  tritonModels: string;
}

/** The pipeline's defaults, matching `loadConfig`'s. */
export const DEFAULT_PREFIXES: KeyPrefixes = {
  incoming: 'incoming/',
  results: 'results/',
  failed: 'failed/',
  temporary: 'tmp/',
  tritonModels: 'triton-models/',
};

/** Tuning of the storage and ingest resources. */
export interface AlignmentStorageProps {
  /**
   * The queue's consumer: its function timeout and batching window. Visibility is six times the timeout plus
   * the window, AWS's guidance for an SQS event source.
   */
  consumer: { timeout: Duration; batchingWindow: Duration };
  prefixes?: KeyPrefixes;
  /** Receives before a message moves to the dead-letter queue; default 3. */
  maxReceiveCount?: number;
  /** Days temporary objects are kept; default 14. */
  temporaryDays?: number;
  /** Days an overwritten or deleted object version is kept; default 30. */
  noncurrentVersionDays?: number;
}

/**
 * The data bucket (incoming audio, results, failure records), its access-log bucket, and the ingest queue:
 * object-created events under the incoming prefix only go to SQS, so results never re-trigger the pipeline.
 */
export class AlignmentStorage extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly logBucket: s3.Bucket;
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly prefixes: KeyPrefixes;

  public constructor(scope: Construct, id: string, props: AlignmentStorageProps) {
    super(scope, id);
    this.prefixes = props.prefixes ?? DEFAULT_PREFIXES;

    this.logBucket = new s3.Bucket(this, 'AccessLogs', {
      // S3 server access logging delivers only to SSE-S3 buckets.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    acknowledge(this.logBucket, [
      {
        id: 'AwsSolutions-S1',
        reason:
          'This is the access-log bucket itself; logging it into itself would log its own log deliveries.',
      },
    ]);

    this.bucket = new s3.Bucket(this, 'Data', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: asIBucket(this.logBucket),
      serverAccessLogsPrefix: 'data/',
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays ?? 30),
        },
        {
          id: 'expire-temporary',
          prefix: this.prefixes.temporary,
          expiration: Duration.days(props.temporaryDays ?? 14),
        },
      ],
      // Users' recordings and results outlive the stack; a failed first create (nothing in it yet) removes it,
      // so a retry does not leave empty buckets behind (RetainExceptOnCreate).
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(this.deadLetterQueue, [
      {
        id: 'AwsSolutions-SQS3',
        reason:
          'This is the dead-letter queue of the ingest queue; its messages are inspected and redriven by hand.',
      },
    ]);
    this.queue = new sqs.Queue(this, 'Ingest', {
      // SSE-SQS rather than KMS: S3 can publish to it without a key policy, and it costs nothing extra.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's guidance for Lambda event sources: at least six times the function timeout (older guidance adds
      // the batching window), so a message is not redelivered while a throttled or retried invocation holds it.
      visibilityTimeout: Duration.seconds(
        props.consumer.timeout.toSeconds() * 6 + props.consumer.batchingWindow.toSeconds(),
      ),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 3 },
    });
    this.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(this.queue), {
      prefix: this.prefixes.incoming,
    });
    const notificationsHandler = Stack.of(this).node.children.find((child) =>
      child.node.id.startsWith('BucketNotificationsHandler'),
    );
    if (notificationsHandler !== undefined) {
      acknowledge(notificationsHandler, [
        {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason:
            "CDK's own deploy-time handler that writes the bucket's notification configuration; the managed " +
            'policy only lets it write its logs.',
        },
      ]);
    }
  }
}
