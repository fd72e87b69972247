import { toAlignError } from '../errors';
import type { PipelineLog } from '../telemetry/pipeline-logger';
import { toWorkflowTaskError } from './workflow-task-errors';

/**
 * Both Lambdas' policy for a handler that cannot be built (a bad configuration, found at cold start): the
 * module still loads, the error is logged once (its message names the variable), and every invocation is
 * answered with it as a `PermanentFailure` whose message leads with the code (`CONFIG: ...`). The state
 * machine then ends the file with that code without retrying; an SQS batch fails, is redelivered and lands in
 * the dead-letter queue, whose alarm fires; nothing is lost, and no invocation runs half-configured.
 */
export function atColdStart<Handler extends (event: unknown) => Promise<unknown>>(
  build: () => Handler,
  log: PipelineLog,
): Handler {
  try {
    return build();
  } catch (error) {
    const failure = toWorkflowTaskError(error);
    log.error('the handler cannot start', { code: toAlignError(error).code, error: failure.message });
    return (async () => {
      throw failure;
    }) as unknown as Handler;
  }
}
