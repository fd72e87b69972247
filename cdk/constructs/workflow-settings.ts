/** How the state machine retries a transient failure of an alignment task (Step Functions Retry fields). */
export interface WorkflowRetry {
  /** Wait before the first retry. */
  intervalSeconds: number;
  /** Each further wait is this many times the previous one. */
  backoffRate: number;
  /** Retries after the first attempt. */
  maxAttempts: number;
  /** Cap on any one wait. */
  maxDelaySeconds: number;
}

/**
 * A task that fails transiently once Triton answered ready (a task replaced, a 5xx burst) waits about
 * 20 s, 40 s, 80 s, 160 s before FULL jitter, about 5 minutes in all at most. A cold Triton is not waited for
 * here: the readiness gate (TritonReadiness) does that before the first try.
 */
export const DEFAULT_WORKFLOW_RETRY: WorkflowRetry = {
  intervalSeconds: 20,
  backoffRate: 2,
  maxAttempts: 4,
  maxDelaySeconds: 300,
};

/** How long the GPU branch waits for Triton to answer ready before a file fails with TRITON_UNAVAILABLE. */
export interface TritonReadiness {
  /** Wait between two probes of /v2/health/ready. */
  intervalSeconds: number;
  /** Probes before giving up; the bound is about intervalSeconds × maxPolls. */
  maxPolls: number;
}

/**
 * Scale from zero: the wake alarm's 1-minute evaluation and the capacity provider's scale-out (about 2-3
 * minutes), an instance launch and ECS agent registration (about 3 minutes), the Triton image pull (about
 * 10 GB: 5-8 minutes) and the model load take up to about 15 minutes. 50 probes 30 s apart wait 25 minutes,
 * which leaves 10 minutes of headroom and costs at most 200 state transitions per file.
 */
export const COLD_START_READINESS: TritonReadiness = { intervalSeconds: 30, maxPolls: 50 };

/** A running or external Triton only needs to ride out a restart or a task replacement: 5 minutes. */
export const WARM_READINESS: TritonReadiness = { intervalSeconds: 30, maxPolls: 10 };

/**
 * Error names the alignment tasks retry: the Triton Lambda's transient failure, the CPU pipeline's
 * redelivery request (both thrown once their in-invocation retries are spent), and Lambda's own service and
 * throttling errors. Kept as strings so synthesis does not load the Lambda code; a test checks them.
 */
export const RETRYABLE_ERRORS = [
  'TransientFailure',
  'RedeliveryNeededError',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.ClientExecutionTimeoutException',
] as const;

/** Step Functions' limit on a state machine name. */
const MAX_NAME_LENGTH = 80;

/** The default state machine name for a stack: `<stack>-alignment`, cut to 80 characters. */
export function workflowStateMachineName(stackName: string): string {
  const suffix = '-alignment';
  return `${stackName.slice(0, MAX_NAME_LENGTH - suffix.length)}${suffix}`;
}
