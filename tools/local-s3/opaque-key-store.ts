import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import S3Error from 's3rver/lib/models/error';
import S3Object from 's3rver/lib/models/object';
import FilesystemStore from 's3rver/lib/stores/filesystem';

/** S3's limit on a key's length, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;

/** The resource (file suffix) that records an object's key, so listings can name it. */
const KEY_RESOURCE = 'key';
const KEY_FILE_SUFFIX = `._S3rver_${KEY_RESOURCE}`;

/** s3rver's filesystem store with keys kept opaque, as S3 keeps them: files are named after a key's hash. */
// s3rver's own store turns a key into a file path, so `a/../b` is stored as `b`, and a segment longer than a
// file name allows fails as an unhandled stream error, which ends the process; every write here goes through
// `pipeline`, so a failed write is an S3 error instead.
export class OpaqueKeyStore extends FilesystemStore {
  override getResourcePath(bucket: string, key: string | undefined, resource: string): string {
    // Bucket-level resources (multipart uploads, bucket configurations) have no key: s3rver's layout is fine.
    if (key === undefined || key === '') return super.getResourcePath(bucket, key, resource);
    const name = createHash('sha256').update(key).digest('hex');
    return join(this.getBucketPath(bucket), `${name}._S3rver_${resource}`);
  }

  override async putObject(object: S3Object): Promise<{ size: number; md5: string }> {
    refuseLongKey(object.key);
    const content = object.content ?? Buffer.alloc(0);
    const written = await writeHashed(
      Buffer.isBuffer(content) ? Readable.from([content]) : content,
      this.getResourcePath(object.bucket, object.key, 'object'),
    );
    await this.putMetadata(object.bucket, object.key, object.metadata, written.md5);
    await this.recordKey(object.bucket, object.key);
    return written;
  }

  override async copyObject(
    srcBucket: string,
    srcKey: string,
    destBucket: string,
    destKey: string,
    replacementMetadata: object | null,
  ): Promise<Record<string, string | number>> {
    refuseLongKey(destKey);
    const metadata = await super.copyObject(srcBucket, srcKey, destBucket, destKey, replacementMetadata);
    await this.recordKey(destBucket, destKey);
    return metadata;
  }

  override async initiateUpload(
    bucket: string,
    key: string,
    uploadId: string,
    metadata: object,
  ): Promise<void> {
    refuseLongKey(key);
    await super.initiateUpload(bucket, key, uploadId, metadata);
  }

  override async putPart(
    bucket: string,
    uploadId: string,
    partNumber: number,
    content: Readable,
  ): Promise<{ size: number; md5: string }> {
    // The same place s3rver keeps parts (and reads them back from when the upload completes).
    const partPath = join(this.getResourcePath(bucket, undefined, 'uploads'), uploadId, String(partNumber));
    const written = await writeHashed(content, partPath);
    await writeFile(`${partPath}.md5`, written.md5);
    return written;
  }

  override async deleteObject(bucket: string, key: string): Promise<void> {
    await Promise.all(
      ['object', 'object.md5', 'metadata.json', KEY_RESOURCE].map((resource) =>
        rm(this.getResourcePath(bucket, key, resource), { force: true }),
      ),
    );
  }

  /** Lists like S3: keys in UTF-8 byte order after `startAfter`, grouped at `delimiter` into common prefixes. */
  override async listObjects(
    bucket: string,
    options: FilesystemStore.ListOptions,
  ): Promise<FilesystemStore.Listing> {
    const { delimiter = '', startAfter = '', prefix = '', maxKeys = Number.POSITIVE_INFINITY } = options;
    const bucketPath = this.getBucketPath(bucket);
    const keyFiles = (await readdir(bucketPath)).filter((name) => name.endsWith(KEY_FILE_SUFFIX));
    const stored = await Promise.all(
      keyFiles.map((name) => unlessMissing(readFile(join(bucketPath, name), 'utf8'))),
    );
    const keys = stored
      .filter((key): key is string => key !== undefined)
      .filter((key) => key.startsWith(prefix) && byteOrder(key, startAfter) > 0)
      .sort(byteOrder);
    const listed: string[] = [];
    const commonPrefixes: string[] = [];
    let isTruncated = false;
    for (const key of keys) {
      const cut = delimiter === '' ? -1 : key.indexOf(delimiter, prefix.length);
      if (cut !== -1) {
        // Sorted keys sharing a common prefix are adjacent, so comparing with the last one removes repeats.
        const common = key.slice(0, cut + delimiter.length);
        if (commonPrefixes.at(-1) !== common) commonPrefixes.push(common);
      } else if (listed.length === maxKeys) {
        isTruncated = true;
        break;
      } else {
        listed.push(key);
      }
    }
    const objects = await Promise.all(
      listed.map(async (key) => {
        // An object deleted since its key was read is left out, as S3 would.
        const metadata = await unlessMissing(this.getMetadata(bucket, key));
        return metadata === undefined ? undefined : new S3Object(bucket, key, null, metadata);
      }),
    );
    return {
      objects: objects.filter((object): object is S3Object => object !== undefined),
      commonPrefixes,
      isTruncated,
    };
  }

  /** Records `key` beside its object's files: their names are a hash, and listings need the key itself. */
  private async recordKey(bucket: string, key: string): Promise<void> {
    await writeFile(this.getResourcePath(bucket, key, KEY_RESOURCE), key);
  }
}

/** Refuses a key S3 would refuse for its length, with S3's error. */
function refuseLongKey(key: string): void {
  const size = Buffer.byteLength(key);
  if (size > MAX_KEY_BYTES) {
    throw new S3Error('KeyTooLongError', 'Your key is too long', {
      Size: size,
      MaxSizeAllowed: MAX_KEY_BYTES,
    });
  }
}

/** Writes `content` to `path` and returns its size and MD5. */
async function writeHashed(content: Readable, path: string): Promise<{ size: number; md5: string }> {
  await mkdir(dirname(path), { recursive: true });
  // Through a temporary file renamed into place: a failed upload leaves the previous object whole, as S3's
  // atomic PUT does, and a reader of the previous object keeps reading it whole.
  const partial = `${path}.${randomUUID()}.partial`;
  const md5 = createHash('md5');
  let size = 0;
  try {
    await pipeline(
      content,
      async function* measure(chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          md5.update(chunk);
          size += chunk.length;
          yield chunk;
        }
      },
      createWriteStream(partial),
    );
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return { size, md5: md5.digest('hex') };
}

/** The value of `pending`, or undefined where the file it reads is gone (ENOENT). */
async function unlessMissing<T>(pending: Promise<T>): Promise<T | undefined> {
  try {
    return await pending;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** S3 orders keys by their UTF-8 bytes, which differs from JavaScript's UTF-16 order above U+FFFF. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
