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
 * Triton on GPU instances may be scaling out or restarting for minutes, so waits grow to minutes: about
 * 20 s, 40 s, 80 s, 160 s before FULL jitter, about 5 minutes in all at most.
 */
export const DEFAULT_WORKFLOW_RETRY: WorkflowRetry = {
  intervalSeconds: 20,
  backoffRate: 2,
  maxAttempts: 4,
  maxDelaySeconds: 300,
};

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
