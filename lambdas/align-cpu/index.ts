import type { SQSBatchResponse } from 'aws-lambda';
import { loadConfig } from '../../shared/config/app-config';
import { loadCpuModel } from '../../shared/inference/load-cpu-model';
import { handlerModelDir } from '../../shared/model/bundled-model';
import { atColdStart } from '../../shared/pipeline/cold-start';
import {
  createPipelineRuntime,
  type RuntimeOverrides,
  SERVICE_NAME,
} from '../../shared/pipeline/pipeline-runtime';
import { handleEvent, type RerunResponse } from '../../shared/pipeline/process-event';
import { recordFailureRequest } from '../../shared/pipeline/workflow-events';
import { type RecordedFailure, recordWorkflowFailure } from '../../shared/pipeline/workflow-failure';
import { toWorkflowTaskError } from '../../shared/pipeline/workflow-task-errors';
import { createPipelineLogger } from '../../shared/telemetry/pipeline-logger';
import { loadTritonModel } from '../../shared/triton/load-triton-model';

/**
 * An invocation handler for S3, SQS and EventBridge object-created events, reruns (docs/reruns.md), and the
 * workflow's RecordFailure step (for files of either branch).
 */
export type AlignHandler = (
  event: unknown,
) => Promise<SQSBatchResponse | RerunResponse | RecordedFailure | undefined>;

/**
 * Builds the handler: configuration is validated (settings that do nothing are logged as warnings) and the S3
 * clients are created (and warmed) now, at cold start; the model loads on the first activity that needs it
 * and stays for the container's life.
 */
export function createHandler(
  env: Readonly<Record<string, string | undefined>>,
  overrides: RuntimeOverrides = {},
): AlignHandler {
  const config = loadConfig(env);
  const modelDir = (): string =>
    handlerModelDir(config.pipeline.modelDir, __dirname, 'a model directory, or ship models/demo-en');
  const runtime = createPipelineRuntime(
    config,
    // Triton is picked only with USE_TRITON=true; testing that again narrows the type to one with a URL.
    (backend) =>
      backend === 'triton' && config.useTriton
        ? loadTritonModel(config, modelDir())
        : loadCpuModel(config, modelDir()),
    overrides,
  );
  for (const warning of config.warnings) runtime.context.log.warn(warning);
  return async (event) => {
    await runtime.warmed;
    try {
      const record = recordFailureRequest(event);
      if (record !== undefined) return await recordWorkflowFailure(runtime.context, record);
      return await handleEvent(runtime.context, event);
    } catch (error) {
      // As the state machine's Retry and Record…Failure steps read them: TransientFailure or PermanentFailure,
      // the code leading the message (a malformed rerun is then INVALID_INPUT, not INTERNAL). SQS and direct
      // invocations only need the error thrown.
      throw toWorkflowTaskError(error);
    }
  };
}

/** The Lambda entry point (`index.handler`); a bad configuration fails every invocation (cold-start policy). */
export const handler: AlignHandler = atColdStart(
  () => createHandler(process.env),
  createPipelineLogger(SERVICE_NAME),
);
