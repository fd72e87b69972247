import { isRetryableError } from '../concurrency/retry';
import { AlignError } from '../errors';

/** A delete the configuration does not allow (`S3_ALLOW_DELETES=false`). */
export class S3DeleteRefusedError extends AlignError {
  public constructor(
    public readonly bucket: string,
    public readonly key: string,
  ) {
    super(
      'S3',
      `refusing to delete s3://${bucket}/${key}: deletes are disabled; set S3_ALLOW_DELETES=true to allow them`,
    );
    this.name = 'S3DeleteRefusedError';
  }
}

/** An S3 operation failed; `retryable` says whether trying again later may succeed. */
export class S3OperationError extends AlignError {
  public constructor(operation: string, bucket: string, key: string, cause: unknown) {
    const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super('S3', `S3 ${operation} s3://${bucket}/${key} failed: ${detail}`, {
      cause,
      retryable: isRetryableError(cause),
    });
    this.name = 'S3OperationError';
  }
}

/** Whether an SDK error means "no such object" (HEAD answers a bare 404, GET a NoSuchKey). */
export function isNotFound(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error.name === 'NotFound' || error.name === 'NoSuchKey' || status === 404;
}
