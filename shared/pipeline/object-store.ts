/** What a HEAD says about an object; `etag` is its version (an S3 ETag without quotes, or a file's size and mtime). */
export interface ObjectHead {
  etag: string;
  size: number;
  metadata: Record<string, string>;
}

/** A streamed object body at the version `etag` names. */
export interface ObjectDownload {
  body: AsyncIterable<Uint8Array>;
  etag: string;
  size: number;
}

/** Where an object is, as a result's `source` names it: a bucket and key, or a local file. */
export type ObjectLocation = { bucket: string; key: string } | { path: string };

/**
 * The object operations the activity runner needs, so that one pipeline runs on S3 (`S3Store`) and on a local
 * folder (`FolderStore`). A "bucket" is a named place objects live in: an S3 bucket, or a root folder.
 */
export interface ObjectStore {
  /** The object's head, or undefined when it does not exist. */
  head(bucket: string, key: string): Promise<ObjectHead | undefined>;
  /**
   * Streams an object. With `expectedEtag`, a body of another version (changed since its head) is refused with
   * a retryable error, so nothing computed from it is labelled with the old version.
   */
  download(bucket: string, key: string, knownSize?: number, expectedEtag?: string): Promise<ObjectDownload>;
  /**
   * A whole small object as stored, with its version, or undefined when it does not exist; larger than
   * `maxBytes` is refused.
   */
  readBytes(
    bucket: string,
    key: string,
    maxBytes: number,
  ): Promise<{ bytes: Uint8Array; etag: string } | undefined>;
  /**
   * Writes an object whole: a reader sees the old object or the new one, never part of one. `metadata` comes back
   * in `head` where the store keeps metadata (S3); a folder keeps none.
   */
  put(
    bucket: string,
    key: string,
    body: string | Uint8Array,
    options: { contentType: string; metadata?: Record<string, string> | undefined },
  ): Promise<void>;
  /** How a result's `source` names the object. */
  locate(bucket: string, key: string): ObjectLocation;
}

/**
 * A whole small object as UTF-8 text (bytes that are not UTF-8 become U+FFFD), with its version, or undefined
 * when it does not exist; larger than `maxBytes` is refused. For documents this system wrote; a user's
 * transcript is checked strictly instead (`transcriptText`).
 */
export async function readText(
  store: Pick<ObjectStore, 'readBytes'>,
  bucket: string,
  key: string,
  maxBytes: number,
): Promise<{ text: string; etag: string } | undefined> {
  const found = await store.readBytes(bucket, key, maxBytes);
  if (found === undefined) return undefined;
  const { bytes, etag } = found;
  return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), etag };
}
