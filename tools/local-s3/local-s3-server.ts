import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Event } from 'aws-lambda';
import S3rver from 's3rver';
import { OpaqueKeyStore } from './opaque-key-store';
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
  // The directory goes on close, on a failed start, and at exit: a crash or process.exit() skips close(),
  // but 'exit' listeners still run (synchronously only).
  const removeOnExit = (): void => rmSync(directory, { recursive: true, force: true });
  process.on('exit', removeOnExit);
  const removeDirectory = async (): Promise<void> => {
    process.off('exit', removeOnExit);
    await rm(directory, { recursive: true, force: true });
  };
  let server: S3rver;
  let httpServer: Server;
  try {
    server = new S3rver({
      silent: true,
      directory,
      configureBuckets: options.buckets.map((name) => ({ name, configs: [] })),
    });
    // s3rver's controllers reach the store through the app and through each request's context.
    const app = server as unknown as { store: OpaqueKeyStore; context: { store: OpaqueKeyStore } };
    app.store = app.context.store = new OpaqueKeyStore(directory);
    await server.configureBuckets();
    // Listening here rather than with s3rver's run(): it leaves the server's 'error' event (EADDRINUSE)
    // unhandled, which ends the process instead of failing the start.
    httpServer = createServer(server.callback());
    httpServer.listen(options.port ?? 0, '127.0.0.1');
    await once(httpServer, 'listening');
  } catch (error) {
    await removeDirectory();
    throw error;
  }
  const { port } = httpServer.address() as AddressInfo;
  const listeners: Array<(event: S3Event) => void> = [];
  // s3rver is a Koa app; it emits 'event' with an S3 notification for every write.
  (server as unknown as NodeJS.EventEmitter).on('event', (event: { Records: LocalS3Record[] }) => {
    const created = event.Records.filter((record) => record.eventName.startsWith('ObjectCreated:'));
    if (created.length === 0) return;
    const aws = toAwsS3Event(created);
    for (const listener of listeners) listener(aws);
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    onObjectCreated: (listener) => {
      listeners.push(listener);
    },
    close: async () => {
      await new Promise<void>((resolve, reject) =>
        httpServer.close((error) => (error === undefined ? resolve() : reject(error))),
      );
      await removeDirectory();
    },
  };
}
