import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Event } from 'aws-lambda';
import S3rver from 's3rver';
import { type LocalS3Record, toAwsS3Event } from './s3-event-adapter';

/** Credentials a local server accepts (it checks none); region the SDK needs to sign. */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
export const LOCAL_S3_REGION = 'us-east-1';

/** A running local S3 server on loopback. */
export interface LocalS3 {
  endpoint: string;
  port: number;
  /** Calls `listener` with each object-created event in the shape AWS delivers (keys URL-encoded). */
  onObjectCreated(listener: (event: S3Event) => void): void;
  close(): Promise<void>;
}

/**
 * Starts s3rver (the widely used Node S3 server; its maintained forks need Node >= 22/24, this project runs
 * on 20) on 127.0.0.1 with a throw-away directory, and creates `buckets`. `port` 0 picks a free port.
 */
export async function startLocalS3(options: {
  buckets: readonly string[];
  port?: number | undefined;
}): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), 'w2v2-local-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    silent: true,
    directory,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [] })),
  });
  const address = await server.run();
  const listeners: Array<(event: S3Event) => void> = [];
  // s3rver is a Koa app; it emits 'event' with an S3 notification for every write.
  (server as unknown as NodeJS.EventEmitter).on('event', (event: { Records: LocalS3Record[] }) => {
    const created = event.Records.filter((record) => record.eventName.startsWith('ObjectCreated:'));
    if (created.length === 0) return;
    const aws = toAwsS3Event(created);
    for (const listener of listeners) listener(aws);
  });
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    port: address.port,
    onObjectCreated: (listener) => {
      listeners.push(listener);
    },
    close: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
