import { AlignError } from '../../shared/errors';

/** The AlignError a promise rejects with; anything else (a resolution or another error) fails the test. */
export async function alignFailure(promise: Promise<unknown>): Promise<AlignError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof AlignError) return error;
  throw new Error(`expected an AlignError, got ${String(error)}`);
}
