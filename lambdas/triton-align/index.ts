import { loadTritonConfig } from '../../shared/config/app-config';
import { AlignError } from '../../shared/errors';
import { handlerModelDir } from '../../shared/model/bundled-model';
import { atColdStart } from '../../shared/pipeline/cold-start';
import {
  createPipelineRuntime,
  type RuntimeOverrides,
  SERVICE_NAME,
} from '../../shared/pipeline/pipeline-runtime';
import { handleEvent, type RerunResponse } from '../../shared/pipeline/process-event';
import { parseTritonTaskEvent } from '../../shared/pipeline/workflow-events';
import { toWorkflowTaskError } from '../../shared/pipeline/workflow-task-errors';
import { createPipelineLogger } from '../../shared/telemetry/pipeline-logger';
import { loadTritonModel } from '../../shared/triton/load-triton-model';
import { probeTritonReadiness, type TritonReadiness } from '../../shared/triton/triton-readiness';
import { tritonModelOptions } from '../../shared/triton/triton-settings';

/** The state machine's Triton task: one file's outcome, or whether Triton is ready. */
export type TritonAlignHandler = (event: unknown) => Promise<RerunResponse | TritonReadiness>;

/** No STATE_MACHINE_ARN: this Lambda runs inside the state machine and must never hand a file off again. */
function tritonEnvironment(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> {
  return { ...env, STATE_MACHINE_ARN: undefined };
}

/**
 * Builds the handler: configuration (TRITON_URL included) is validated, settings that do nothing are logged as
 * warnings, and S3 clients are warmed at cold start. A transient failure is thrown as `TransientFailure` (the
 * state machine retries it), any other thrown failure as `PermanentFailure`; a permanent activity failure is
 * answered as `{status: "failed", error}` after the pipeline wrote its failure record and metrics. A readiness
 * probe is answered `{ready, detail}` whatever state Triton is in; only a configuration error (an unreadable
 * TRITON_CA_BUNDLE) is thrown.
 */
export function createHandler(
  env: Readonly<Record<string, string | undefined>>,
  overrides: RuntimeOverrides = {},
): TritonAlignHandler {
  const config = loadTritonConfig(tritonEnvironment(env));
  const runtime = createPipelineRuntime(
    config,
    () =>
      loadTritonModel(
        config,
        handlerModelDir(
          config.pipeline.modelDir,
          __dirname,
          'the model directory whose vocabulary Triton serves',
        ),
      ),
    overrides,
  );
  for (const warning of config.warnings) runtime.context.log.warn(warning);
  return async (event) => {
    try {
      const request = parseTritonTaskEvent(event);
      // Polled repeatedly while Triton scales from zero: the answer needs neither S3 nor the model.
      if (request.kind === 'readiness-probe')
        return await probeTritonReadiness(await tritonModelOptions(config));
      await runtime.warmed;
      const response = await handleEvent(runtime.context, { ...request.input, backend: 'triton' });
      if (response === undefined || !('status' in response)) {
        throw new AlignError('INTERNAL', `a rerun of ${request.input.key} answered no outcome`);
      }
      return response;
    } catch (error) {
      throw toWorkflowTaskError(error);
    }
  };
}

/** The Lambda entry point (`index.handler`). */
export const handler: TritonAlignHandler = atColdStart(
  () => createHandler(process.env),
  createPipelineLogger(SERVICE_NAME),
);
