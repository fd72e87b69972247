// Types for the parts of s3rver's storage that opaque-key-store.ts extends; @types/s3rver covers only the server.

declare module 's3rver/lib/models/object' {
  import type { Readable } from 'node:stream';

  /** An object as s3rver's controllers hand it to the store. */
  class S3Object {
    constructor(bucket: string, key: string, content: Readable | Buffer | null, metadata: object);
    bucket: string;
    key: string;
    content: Readable | Buffer | null;
    metadata: Record<string, string>;
  }
  export = S3Object;
}

declare module 's3rver/lib/models/error' {
  /** An error s3rver answers as an S3 XML error, its HTTP status taken from `code`. */
  class S3Error extends Error {
    constructor(code: string, message: string, detail?: Record<string, string | number>);
    code: string;
    status: number;
  }
  export = S3Error;
}

declare module 's3rver/lib/stores/filesystem' {
  import type { Readable } from 'node:stream';
  import type S3Object from 's3rver/lib/models/object';

  /** s3rver's filesystem store: one file per object, named after its key. */
  class FilesystemStore {
    constructor(rootDirectory: string);
    getBucketPath(bucket: string): string;
    getResourcePath(bucket: string, key: string | undefined, resource: string): string;
    getMetadata(bucket: string, key: string): Promise<Record<string, string | number>>;
    putMetadata(bucket: string, key: string, metadata: object, md5?: string): Promise<void>;
    listObjects(bucket: string, options: FilesystemStore.ListOptions): Promise<FilesystemStore.Listing>;
    putObject(object: S3Object): Promise<{ size: number; md5: string }>;
    copyObject(
      srcBucket: string,
      srcKey: string,
      destBucket: string,
      destKey: string,
      replacementMetadata: object | null,
    ): Promise<Record<string, string | number>>;
    deleteObject(bucket: string, key: string): Promise<void>;
    initiateUpload(bucket: string, key: string, uploadId: string, metadata: object): Promise<void>;
    putPart(
      bucket: string,
      uploadId: string,
      partNumber: number,
      content: Readable,
    ): Promise<{ size: number; md5: string }>;
  }
  namespace FilesystemStore {
    interface ListOptions {
      delimiter?: string | undefined;
      startAfter?: string | undefined;
      prefix?: string | undefined;
      maxKeys?: number | undefined;
    }
    interface Listing {
      objects: S3Object[];
      commonPrefixes: string[];
      isTruncated: boolean;
    }
  }
  export = FilesystemStore;
}
