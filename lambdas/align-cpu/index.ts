import type { SQSBatchResponse } from 'aws-lambda';
import { loadConfig } from '../../shared/config/app-config';
import { handlerModelDir } from '../../shared/model/bundled-model';
import { createPipelineRuntime, type RuntimeOverrides } from '../../shared/pipeline/pipeline-runtime';
import { handleEvent, type RerunResponse } from '../../shared/pipeline/process-event';

/** An invocation handler for S3, SQS and EventBridge object-created events, and SPEC §7 reruns. */
export type AlignHandler = (event: unknown) => Promise<SQSBatchResponse | RerunResponse | undefined>;

/**
 * Builds the handler: configuration is validated and the S3 clients are created (and warmed) now, at cold
 * start; the model loads on the first activity that needs it and stays for the container's life.
 */
export function createHandler(
  env: Readonly<Record<string, string | undefined>>,
  overrides: RuntimeOverrides = {},
): AlignHandler {
  const config = loadConfig(env);
  const runtime = createPipelineRuntime(
    config,
    () => handlerModelDir(config.pipeline.modelDir, __dirname, 'a model directory, or ship models/demo-en'),
    overrides,
  );
  return async (event) => {
    await runtime.warmed;
    return handleEvent(runtime.context, event);
  };
}

/** The Lambda entry point (`index.handler`). */
export const handler: AlignHandler = createHandler(process.env);
