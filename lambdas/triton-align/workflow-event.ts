import { z } from 'zod';
import { InvalidInputError } from '../../shared/errors';
import { rerunInputSchema } from '../../shared/events/s3-event-schemas';

/** The RecordFailure step's payload: the execution input, the caught failure and the retry budget spent. */
const recordFailureSchema = z.strictObject({
  recordFailure: z.strictObject({
    input: z.unknown(),
    failure: z.object({ Error: z.string(), Cause: z.string().optional() }),
    maxAttempts: z.number().int().nonnegative(),
  }),
});

/** The SPEC §7 input of one file (also a console rerun). */
export type AlignInput = z.infer<typeof rerunInputSchema>;
/** What the RecordFailure step sends. */
export type RecordFailureInput = z.infer<typeof recordFailureSchema>['recordFailure'];

/** The two things the state machine asks of this Lambda. */
export type WorkflowEvent =
  | { kind: 'align'; input: AlignInput }
  | { kind: 'record-failure'; input: RecordFailureInput };

/** Recognises a workflow event; anything else is refused with the shapes expected. */
export function parseWorkflowEvent(event: unknown): WorkflowEvent {
  const align = rerunInputSchema.safeParse(event);
  if (align.success) return { kind: 'align', input: align.data };
  const record = recordFailureSchema.safeParse(event);
  if (record.success) return { kind: 'record-failure', input: record.data.recordFailure };
  throw new InvalidInputError(
    `expected the state machine input {"bucket", "key", "transcriptKey"?, "backend"?: "triton"|"cpu", "force"?: true} ` +
      `or {"recordFailure": {"input", "failure": {"Error", "Cause"?}, "maxAttempts"}}; ${align.error.issues
        .map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`)
        .join('; ')}`,
  );
}
