import type { AlignError } from '../errors';
import type { AlignmentResult } from '../output/result';

/** What became of one activity (one audio object), or of an event key that started none. */
export type ActivityOutcome =
  | { status: 'succeeded'; bucket: string; key: string; resultKeys: string[]; result: AlignmentResult }
  | { status: 'skipped'; bucket: string; key: string; reason: string }
  | { status: 'handed-off'; bucket: string; key: string; executionName: string }
  | {
      status: 'failed';
      bucket: string;
      key: string;
      error: AlignError;
      /** Transient and out of retries: the event should be redelivered (SQS batch item failure). */
      retryable: boolean;
      /** Where the failure record is; undefined when it was left to the caller, or could not be written. */
      failureKey: string | undefined;
    };
