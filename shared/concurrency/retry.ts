import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { AlignError } from '../errors';

type SdkError = Parameters<typeof isThrottlingError>[0];

/** How often and how patiently a retryable operation is tried again. */
export interface RetryPolicy {
  /** Total attempts, the first included. */
  maxAttempts: number;
  baseMs: number;
  maxBackoffMs: number;
}

/** Hooks for tests and logs: a fake clock, and a note of each retry. */
export interface RetryHooks {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (attempt: number, delayMs: number, error: unknown) => void;
}

/**
 * When the SDK meets an error object from another realm it keeps only its text ("AWS SDK error wrapper for
 * TimeoutError: socket hang up"), so the name and code survive only in the message.
 */
const TRANSIENT_MESSAGES = [
  /^socket hang up$/,
  /^aborted$/,
  /^AWS SDK error wrapper for (TimeoutError|Error: socket hang up|.*\bE(CONNRESET|PIPE|TIMEDOUT|CONNREFUSED)\b)/,
];

const NETWORK_ERROR_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'EAI_AGAIN',
  'ECONNABORTED',
]);

/**
 * Throttling, 5xx, timeouts and dropped connections, as the AWS SDK classifies them, plus our own errors
 * marked retryable. A plain socket reset while a body streams is not wrapped by the SDK, hence the code check.
 */
export function isRetryableError(error: unknown): boolean {
  if (error instanceof AlignError) return error.retryable;
  // Not `instanceof Error`: Node's socket errors may come from another realm (a VM context, jest's sandbox).
  if (typeof error !== 'object' || error === null) return false;
  const sdkError = error as SdkError;
  if (isThrottlingError(sdkError) || isServerError(sdkError) || isTransientError(sdkError)) return true;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return true;
  return typeof message === 'string' && TRANSIENT_MESSAGES.some((pattern) => pattern.test(message));
}

/** "Full jitter" exponential backoff: uniform in [0, min(cap, base * 2^(attempt-1))]. */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxBackoffMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `operation`, retrying retryable failures with randomized exponential backoff; rethrows the last error. */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks = {},
): Promise<T> {
  const sleep = hooks.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= policy.maxAttempts || !isRetryableError(error)) throw error;
      const delay = backoffMs(policy, attempt, hooks.random);
      hooks.onRetry?.(attempt, delay, error);
      await sleep(delay);
    }
  }
}
