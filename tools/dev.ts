// `npm run dev [-- --port N]`: a local S3 server with the S3-triggered pipeline attached, kept running;
// upload audio (and transcripts) to incoming/ with any S3 client and watch the results appear.

import { parseArgs } from 'node:util';
import { toAlignError } from '../shared/errors';
import type { RuntimeOverrides } from '../shared/pipeline/pipeline-runtime';
import { type LocalPipeline, startLocalPipeline } from './local-s3/local-pipeline';
import { LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION } from './local-s3/local-s3-server';
import { terminalLog } from './local-s3/terminal-log';

const BUCKET = 'w2v2-dev';
const DEFAULT_PORT = 4569;

/** Where the dev server prints, and what replaces parts of the pipeline in tests. */
export interface DevOptions {
  port: number;
  out: { write(text: string): unknown };
  overrides?: RuntimeOverrides;
}

/** Copy-paste commands that upload a file to the dev server and fetch its result. */
export function uploadInstructions(endpoint: string): string {
  const credentials = `AWS_ACCESS_KEY_ID=${LOCAL_S3_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY=${LOCAL_S3_CREDENTIALS.secretAccessKey} AWS_REGION=${LOCAL_S3_REGION}`;
  const client =
    `new S3Client({endpoint:'${endpoint}',forcePathStyle:true,region:'${LOCAL_S3_REGION}',` +
    `credentials:{accessKeyId:'${LOCAL_S3_CREDENTIALS.accessKeyId}',secretAccessKey:'${LOCAL_S3_CREDENTIALS.secretAccessKey}'},` +
    `requestChecksumCalculation:'WHEN_REQUIRED',responseChecksumValidation:'WHEN_REQUIRED'})`;
  return [
    'Upload audio (and a transcript with the same name, before or after it) with the AWS CLI:',
    `  ${credentials} aws s3 cp --endpoint-url ${endpoint} samples/harbor-1999.txt s3://${BUCKET}/incoming/harbor-1999.txt`,
    `  ${credentials} aws s3 cp --endpoint-url ${endpoint} samples/harbor-1999.wav s3://${BUCKET}/incoming/harbor-1999.wav`,
    `  ${credentials} aws s3 cp --endpoint-url ${endpoint} s3://${BUCKET}/results/harbor-1999.json -`,
    'or with Node (from this repository, which has @aws-sdk/client-s3):',
    `  node -e "const {S3Client,PutObjectCommand}=require('@aws-sdk/client-s3');const fs=require('fs');` +
      `const f=process.argv[1];${client}.send(new PutObjectCommand({Bucket:'${BUCKET}',Key:'incoming/'+require('path').basename(f),Body:fs.readFileSync(f)}))` +
      `.then(()=>console.log('uploaded',f))" samples/harbor-1999.wav`,
  ].join('\n');
}

/** Starts the dev server and prints its endpoint, the upload commands, and each activity's outcome. */
export async function startDev(options: DevOptions): Promise<LocalPipeline> {
  const { out } = options;
  const pipeline = await startLocalPipeline({
    bucket: BUCKET,
    port: options.port,
    overrides: {
      log: terminalLog(out),
      telemetry: {
        succeeded: (result) =>
          out.write(
            `aligned ${result.source.key} (${result.mode}, ${result.stats.wordsAligned}/${result.stats.wordsTotal} words, ` +
              `real-time factor ${result.stats.realTimeFactor.toFixed(3)}) -> results/\n`,
          ),
        failed: (code) => out.write(`failed with ${code}: see failed/ in the bucket\n`),
      },
      ...options.overrides,
    },
  });
  out.write(
    `Local S3 running at ${pipeline.s3.endpoint}, bucket "${BUCKET}"; the pipeline watches incoming/.\n`,
  );
  out.write(`${uploadInstructions(pipeline.s3.endpoint)}\n`);
  out.write('Objects live in a temporary directory and are gone when this stops (Ctrl-C).\n');
  return pipeline;
}

if (require.main === module) {
  const { values } = parseArgs({ options: { port: { type: 'string' } } });
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`dev: --port must be a port number (0-65535), got "${values.port}"\n`);
    process.exit(2);
  }
  startDev({ port, out: process.stdout }).then(
    (pipeline) => {
      // SIGTERM too: its default action ends the process without 'exit' listeners, leaving the objects' folder.
      let stopping = false;
      const stop = (): void => {
        // A second signal means now; process.exit still runs the listener that removes the folder.
        if (stopping) process.exit(1);
        stopping = true;
        process.stdout.write('\nstopping\n');
        void pipeline.close().then(() => process.exit(0));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
    (error: unknown) => {
      process.stderr.write(`dev: ${toAlignError(error).message}\n`);
      process.exitCode = 1;
    },
  );
}
