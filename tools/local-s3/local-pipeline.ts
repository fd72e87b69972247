import type { AlignHandler } from '../../lambdas/align-cpu';
import { createHandler } from '../../lambdas/align-cpu';
import type { RuntimeOverrides } from '../../shared/pipeline/pipeline-runtime';
import { LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION, type LocalS3, startLocalS3 } from './local-s3-server';

/** A local S3 server whose object-created events invoke the align-cpu handler, as S3 would in AWS. */
export interface LocalPipeline {
  s3: LocalS3;
  bucket: string;
  /** Resolves when every event delivered so far has been handled; rejects with the first handler error. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the local S3 server and attaches the handler (configured by `env`, with the local endpoint). */
export async function startLocalPipeline(options: {
  bucket: string;
  port?: number;
  env?: Readonly<Record<string, string | undefined>>;
  overrides?: RuntimeOverrides;
  onHandled?: (error: unknown) => void;
}): Promise<LocalPipeline> {
  const s3 = await startLocalS3({
    buckets: [options.bucket],
    port: options.port,
  });
  let handler: AlignHandler;
  try {
    handler = createHandler(
      { ...options.env, S3_ENDPOINT: s3.endpoint },
      { s3: { region: LOCAL_S3_REGION, credentials: LOCAL_S3_CREDENTIALS }, ...options.overrides },
    );
  } catch (error) {
    await s3.close();
    throw error;
  }
  const pending = new Set<Promise<unknown>>();
  const errors: unknown[] = [];
  s3.onObjectCreated((event) => {
    // Like S3's asynchronous invocation: the upload returns at once, the handler runs in the background.
    const run = handler(event).then(
      () => options.onHandled?.(undefined),
      (error: unknown) => {
        errors.push(error);
        options.onHandled?.(error);
      },
    );
    pending.add(run);
    void run.finally(() => pending.delete(run));
  });
  return {
    s3,
    bucket: options.bucket,
    idle: async () => {
      while (pending.size > 0) await Promise.all([...pending]);
      if (errors.length > 0) throw errors[0];
    },
    close: () => s3.close(),
  };
}
