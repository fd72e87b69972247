import type { AlignError } from '../errors';
import type { AlignmentResult } from '../output/result';

/** The keys of one file's results: the JSON document first, then the other formats written. */
export type ResultKeys = [json: string, ...others: string[]];

/** What became of one activity (one audio object), or of an event key that started none. */
export type ActivityOutcome =
  | {
      status: 'succeeded';
      bucket: string;
      key: string;
      /** The JSON document's key first, then the other formats'. */
      resultKeys: ResultKeys;
      result: AlignmentResult;
    }
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
