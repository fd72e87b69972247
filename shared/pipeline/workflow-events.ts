import { z } from 'zod';
import { InvalidInputError } from '../errors';
import { rerunInputSchema } from '../events/s3-event-schemas';

/**
 * The RecordFailure step's payload: the execution input, the caught failure, the retry budget spent and the
 * backend the file ran (or waited) on.
 */
const recordFailureSchema = z.strictObject({
  recordFailure: z.strictObject({
    input: z.unknown(),
    failure: z.object({ Error: z.string(), Cause: z.string().optional() }),
    maxAttempts: z.number().int().nonnegative(),
    backend: z.enum(['cpu', 'triton']),
  }),
});

/** The state machine's poll before aligning on Triton (scale-from-zero takes minutes): is it ready? */
const readinessProbeSchema = z.strictObject({ probe: z.literal('triton-ready') });

/** The state machine's input of one file, also a console rerun (docs/reruns.md#the-input). */
export type AlignInput = z.infer<typeof rerunInputSchema>;
/** What the RecordFailure step sends. */
export type RecordFailureInput = z.infer<typeof recordFailureSchema>['recordFailure'];

/** What the state machine asks of the Triton Lambda. */
export type TritonTaskEvent = { kind: 'align'; input: AlignInput } | { kind: 'readiness-probe' };

/** Recognises the Triton Lambda's events; anything else is refused with the shapes expected. */
export function parseTritonTaskEvent(event: unknown): TritonTaskEvent {
  const align = rerunInputSchema.safeParse(event);
  if (align.success) return { kind: 'align', input: align.data };
  if (readinessProbeSchema.safeParse(event).success) return { kind: 'readiness-probe' };
  throw new InvalidInputError(
    `expected the state machine input {"bucket", "key", "transcriptKey"?, "backend"?: "triton"|"cpu", "force"?: true} ` +
      `or {"probe": "triton-ready"}; ${align.error.issues
        .map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`)
        .join('; ')}`,
  );
}

/**
 * The RecordFailure request in `event`, or undefined when the event is of another kind (an S3, SQS or
 * rerun event for the pipeline). An event that names `recordFailure` but breaks its shape is refused.
 */
export function recordFailureRequest(event: unknown): RecordFailureInput | undefined {
  if (typeof event !== 'object' || event === null || !('recordFailure' in event)) return undefined;
  const parsed = recordFailureSchema.safeParse(event);
  if (parsed.success) return parsed.data.recordFailure;
  throw new InvalidInputError(
    `expected {"recordFailure": {"input", "failure": {"Error", "Cause"?}, "maxAttempts", "backend": "cpu"|"triton"}}; ${parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`)
      .join('; ')}`,
  );
}
