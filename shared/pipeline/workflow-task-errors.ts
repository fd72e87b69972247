import { AlignError, type ErrorCode, isErrorCode, toAlignError } from '../errors';

/** Error names the state machine sees; its Retry lists the transient one (cdk/constructs/workflow-settings.ts). */
export const TASK_ERROR_NAMES = { transient: 'TransientFailure', permanent: 'PermanentFailure' } as const;

/**
 * What a workflow task throws. Lambda reports only `name` (as errorType) and `message`, so the error code
 * (docs/errors.md#codes) leads the message (`TRITON_UNAVAILABLE: ...`), where the RecordFailure step reads it
 * back.
 */
export class WorkflowTaskError extends Error {
  public constructor(
    public readonly code: ErrorCode,
    detail: string,
    transient: boolean,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${detail}`, options);
    this.name = transient ? TASK_ERROR_NAMES.transient : TASK_ERROR_NAMES.permanent;
  }
}

/** Maps anything thrown into the task error the state machine retries (retryable) or routes (the rest). */
export function toWorkflowTaskError(thrown: unknown): WorkflowTaskError {
  if (thrown instanceof WorkflowTaskError) return thrown;
  const error = toAlignError(thrown);
  return new WorkflowTaskError(error.code, error.message, error.retryable, { cause: thrown });
}

/** A failure as a Step Functions Catch hands it on: `{"Error": name, "Cause": text}`. */
export interface CaughtFailure {
  Error: string;
  Cause?: string | undefined;
}

/**
 * The coded error (docs/errors.md#codes) behind a caught task failure. Lambda's Cause is the JSON
 * `{"errorType","errorMessage","trace"}`; other Causes are plain text.
 */
export function errorOfCaughtFailure(failure: CaughtFailure): AlignError {
  const detail = causeMessage(failure.Cause) ?? failure.Error;
  const { transient, permanent } = TASK_ERROR_NAMES;
  if (failure.Error === transient || failure.Error === permanent) {
    const [, code, message] = /^([A-Z0-9_]+): ([\s\S]*)$/.exec(detail) ?? [];
    if (code !== undefined && message !== undefined && isErrorCode(code))
      return new AlignError(code, message);
  }
  if (failure.Error === 'RedeliveryNeededError') {
    // The CPU pipeline's message names each failed activity as "key (CODE: message)".
    const code = /\(([A-Z0-9_]+): /.exec(detail)?.[1];
    if (code !== undefined && isErrorCode(code)) return new AlignError(code, detail);
  }
  if (failure.Error === 'States.Timeout' || failure.Error === 'Sandbox.Timedout') {
    return new AlignError('TIMEOUT', `the alignment task ran out of time (${failure.Error}): ${detail}`);
  }
  return new AlignError('INTERNAL', `${failure.Error}: ${detail}`);
}

function causeMessage(cause: string | undefined): string | undefined {
  if (cause === undefined || cause === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(cause);
    if (typeof parsed === 'object' && parsed !== null && 'errorMessage' in parsed) {
      return String((parsed as { errorMessage: unknown }).errorMessage);
    }
  } catch {
    // Not Lambda's JSON error document: the Cause is the message itself.
  }
  return cause;
}
