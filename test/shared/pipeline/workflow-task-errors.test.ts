import { RETRYABLE_ERRORS } from '../../../cdk/constructs/workflow-settings';
import { AlignError, InvalidInputError } from '../../../shared/errors';
import { RedeliveryNeededError } from '../../../shared/pipeline/process-event';
import { errorOfCaughtFailure, toWorkflowTaskError } from '../../../shared/pipeline/workflow-task-errors';

describe('workflow task errors', () => {
  it('throws retryable failures under a name the state machine retries, and others under one it does not', () => {
    const transient = toWorkflowTaskError(new AlignError('S3', 'S3 answered 503', { retryable: true }));
    const permanent = toWorkflowTaskError(new InvalidInputError('key is empty'));

    expect(transient).toMatchObject({ name: 'TransientFailure', message: 'S3: S3 answered 503' });
    expect(permanent).toMatchObject({ name: 'PermanentFailure', message: 'INVALID_INPUT: key is empty' });
    expect(RETRYABLE_ERRORS).toContain(transient.name);
    expect(RETRYABLE_ERRORS).not.toContain(permanent.name);
  });

  it('reads the code back from a Lambda error document or a plain Cause', () => {
    const lambdaCause = JSON.stringify({
      errorType: 'PermanentFailure',
      errorMessage: 'MODEL: wrong vocabulary',
    });

    expect(errorOfCaughtFailure({ Error: 'PermanentFailure', Cause: lambdaCause })).toMatchObject({
      code: 'MODEL',
      message: 'wrong vocabulary',
    });
    expect(
      errorOfCaughtFailure({ Error: 'TransientFailure', Cause: 'TIMEOUT: decode took too long' }),
    ).toMatchObject({ code: 'TIMEOUT', message: 'decode took too long' });
  });

  it("reads the CPU pipeline's redelivery request, timeouts, and counts anything else as INTERNAL", () => {
    const redelivery = new RedeliveryNeededError([
      {
        status: 'failed',
        bucket: 'b',
        key: 'incoming/a.wav',
        error: new AlignError('S3', 'throttled', { retryable: true }),
        retryable: true,
        failureKey: undefined,
      },
    ]);

    expect(errorOfCaughtFailure({ Error: redelivery.name, Cause: redelivery.message }).code).toBe('S3');
    expect(errorOfCaughtFailure({ Error: 'States.Timeout', Cause: '' }).code).toBe('TIMEOUT');
    expect(
      errorOfCaughtFailure({ Error: 'Lambda.TooManyRequestsException', Cause: 'Rate exceeded' }),
    ).toMatchObject({
      code: 'INTERNAL',
      message: 'Lambda.TooManyRequestsException: Rate exceeded',
    });
    expect(errorOfCaughtFailure({ Error: 'PermanentFailure', Cause: 'NOT_A_CODE: x' }).code).toBe('INTERNAL');
  });
});
