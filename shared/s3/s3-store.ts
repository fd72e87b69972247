import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { type RetryHooks, type RetryPolicy, withRetry } from '../concurrency/retry';
import { Semaphore } from '../concurrency/semaphore';
import type { S3Config } from '../config/app-config';
import { AlignError, SourceChangedError } from '../errors';
import {
  type ObjectDownload,
  type ObjectHead,
  type ObjectLocation,
  type ObjectStore,
  readText,
} from '../pipeline/object-store';
import { isNotFound, S3DeleteRefusedError, S3OperationError } from './s3-errors';

/** Structured log sink (Powertools Logger fits). */
export interface StoreLog {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
}

/** Bounded concurrency for the three kinds of work; shared by everything that uses one store. */
export interface StoreLimits {
  downloads: Semaphore;
  uploads: Semaphore;
  operations: Semaphore;
}

/** Downloads log progress at these fractions of the total. */
const PROGRESS_STEPS = 4;

/** Strips the quotes S3 puts around ETags in headers (event records carry them bare). */
export function bareEtag(etag: string | undefined): string {
  return (etag ?? '').replace(/^"|"$/g, '');
}

/**
 * S3 operations for the pipeline with the behaviour docs/configuration.md describes: retries with randomized
 * exponential backoff, semaphores for downloads/uploads/all operations, progress logs, and deletes refused
 * unless allowed.
 */
export class S3Store implements ObjectStore {
  public readonly limits: StoreLimits;
  private readonly policy: RetryPolicy;

  public constructor(
    private readonly clients: { client(): S3Client },
    private readonly config: S3Config,
    private readonly log: StoreLog,
    private readonly hooks: RetryHooks = {},
  ) {
    this.limits = {
      downloads: new Semaphore(config.maxConcurrentDownloads),
      uploads: new Semaphore(config.maxConcurrentUploads),
      operations: new Semaphore(config.maxConcurrentOperations),
    };
    this.policy = {
      maxAttempts: config.retryMax,
      baseMs: config.retryBaseSec * 1000,
      maxBackoffMs: config.retryMaxBackoffSec * 1000,
    };
  }

  /** HEAD of an object, or undefined when it does not exist. */
  public async head(bucket: string, key: string): Promise<ObjectHead | undefined> {
    try {
      const output = await this.send('HEAD', bucket, key, (client) =>
        client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })),
      );
      return {
        etag: bareEtag(output.ETag),
        size: output.ContentLength ?? 0,
        metadata: output.Metadata ?? {},
      };
    } catch (error) {
      if (isNotFound(error instanceof AlignError ? error.cause : error)) return undefined;
      throw error;
    }
  }

  /**
   * Streams an object; progress is logged against `knownSize` or else the GET's Content-Length. Only the
   * request is retried; a body that breaks off fails the stream. The download permit is held until the body
   * ends or fails. With `expectedEtag`, a body of another version (the object was overwritten since its HEAD)
   * is refused with a retryable error, so that nothing computed from it is labelled with the old version's ETag.
   */
  public async download(
    bucket: string,
    key: string,
    knownSize?: number,
    expectedEtag?: string,
  ): Promise<ObjectDownload> {
    const release = await this.limits.downloads.acquire();
    try {
      const output = await this.send('GET', bucket, key, (client) =>
        client.send(new GetObjectCommand({ Bucket: bucket, Key: key })),
      );
      if (!(output.Body instanceof Readable)) {
        throw new AlignError('S3', `S3 GET s3://${bucket}/${key} returned no readable body`, {
          retryable: true,
        });
      }
      const etag = bareEtag(output.ETag);
      if (expectedEtag !== undefined && etag !== expectedEtag) {
        output.Body.destroy();
        throw new SourceChangedError(
          `s3://${bucket}/${key} changed while it was being processed (ETag ${expectedEtag}, now ${etag}); ` +
            'it is read again as the new version',
        );
      }
      const size = output.ContentLength ?? knownSize ?? 0;
      return {
        body: this.tracked(output.Body, { bucket, key, total: knownSize ?? size }, release),
        etag,
        size,
      };
    } catch (error) {
      release();
      throw error;
    }
  }

  /** A whole small object as stored, or undefined when it does not exist; larger than `maxBytes` is refused. */
  public async readBytes(
    bucket: string,
    key: string,
    maxBytes: number,
  ): Promise<{ bytes: Uint8Array; etag: string } | undefined> {
    const head = await this.head(bucket, key);
    if (head === undefined) return undefined;
    if (head.size > maxBytes) {
      throw new AlignError(
        'INVALID_INPUT',
        `s3://${bucket}/${key} is ${head.size} bytes; at most ${maxBytes} are read`,
      );
    }
    let download: ObjectDownload;
    try {
      download = await this.download(bucket, key, head.size);
    } catch (error) {
      if (isNotFound(error instanceof AlignError ? error.cause : error)) return undefined;
      throw error;
    }
    const chunks: Uint8Array[] = [];
    for await (const chunk of download.body) chunks.push(chunk);
    return { bytes: Buffer.concat(chunks), etag: download.etag };
  }

  /** `readBytes` as UTF-8 text (`readText` in object-store.ts), as tools and tests read results. */
  public readText(
    bucket: string,
    key: string,
    maxBytes: number,
  ): Promise<{ text: string; etag: string } | undefined> {
    return readText(this, bucket, key, maxBytes);
  }

  /** Writes an object (whole, in memory: results and failure records are small). */
  public async put(
    bucket: string,
    key: string,
    body: string | Uint8Array,
    options: { contentType: string; metadata?: Record<string, string> | undefined },
  ): Promise<void> {
    await this.limits.uploads.run(() =>
      this.send('PUT', bucket, key, (client) =>
        client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentLength: typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength,
            ContentType: options.contentType,
            ...(options.metadata === undefined ? {} : { Metadata: options.metadata }),
          }),
        ),
      ),
    );
  }

  /** S3 objects are named by bucket and key. */
  public locate(bucket: string, key: string): ObjectLocation {
    return { bucket, key };
  }

  /** Deletes an object; refused with S3DeleteRefusedError unless `S3_ALLOW_DELETES=true`. */
  public async delete(bucket: string, key: string): Promise<void> {
    if (!this.config.allowDeletes) throw new S3DeleteRefusedError(bucket, key);
    await this.send('DELETE', bucket, key, (client) =>
      client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })),
    );
  }

  private async send<T>(
    operation: string,
    bucket: string,
    key: string,
    call: (client: S3Client) => Promise<T>,
  ): Promise<T> {
    try {
      return await withRetry(
        () => this.limits.operations.run(() => call(this.clients.client())),
        this.policy,
        {
          ...this.hooks,
          onRetry: (attempt, delayMs, error) => {
            this.log.warn('S3 request failed, retrying', {
              operation,
              bucket,
              key,
              attempt,
              delayMs,
              error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
            });
            this.hooks.onRetry?.(attempt, delayMs, error);
          },
        },
      );
    } catch (error) {
      if (error instanceof AlignError) throw error;
      throw new S3OperationError(operation, bucket, key, error);
    }
  }

  private async *tracked(
    body: Readable,
    object: { bucket: string; key: string; total: number },
    release: () => void,
  ): AsyncIterable<Uint8Array> {
    let received = 0;
    let step = 0;
    try {
      for await (const chunk of body as AsyncIterable<Uint8Array>) {
        received += chunk.length;
        const reached = object.total > 0 ? Math.floor((received / object.total) * PROGRESS_STEPS) : 0;
        if (reached > step && reached < PROGRESS_STEPS) {
          step = reached;
          this.log.info('download progress', {
            ...object,
            received,
            percent: Math.round((100 * received) / object.total),
          });
        }
        yield chunk;
      }
      this.log.debug('download complete', { ...object, received });
    } catch (error) {
      throw new S3OperationError('GET (body)', object.bucket, object.key, error);
    } finally {
      body.destroy();
      release();
    }
  }
}
