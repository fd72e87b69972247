import { backoffMs, isRetryableError, withRetry } from '../../../shared/concurrency/retry';
import { AlignError } from '../../../shared/errors';

const policy = { maxAttempts: 4, baseMs: 100, maxBackoffMs: 250 };

function serviceError(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

describe('retry', () => {
  it('draws backoff uniformly below min(cap, base * 2^(attempt-1))', () => {
    expect(backoffMs(policy, 1, () => 0.999)).toBe(100);
    expect(backoffMs(policy, 2, () => 0.5)).toBe(100);
    expect(backoffMs(policy, 5, () => 1)).toBe(250);
    expect(backoffMs(policy, 3, () => 0)).toBe(0);
  });

  it.each([
    ['throttling', serviceError('SlowDown', 503)],
    ['a 500', serviceError('InternalError', 500)],
    ['a timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
    ['a connection reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['a retryable AlignError', new AlignError('TIMEOUT', 'slow', { retryable: true })],
  ])('treats %s as retryable', (_name, error) => {
    expect(isRetryableError(error)).toBe(true);
  });

  it.each([
    ['access denied', serviceError('AccessDenied', 403)],
    ['a missing key', serviceError('NoSuchKey', 404)],
    ['a permanent AlignError', new AlignError('AUDIO_DECODE', 'bad')],
  ])('treats %s as permanent', (_name, error) => {
    expect(isRetryableError(error)).toBe(false);
  });

  it('retries retryable failures with backoff until one succeeds', async () => {
    // Prepare
    const sleeps: number[] = [];
    let calls = 0;

    // Act
    const value = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw serviceError('SlowDown', 503);
        return 'done';
      },
      policy,
      { sleep: async (ms) => void sleeps.push(ms), random: () => 1 },
    );

    // Assess
    expect(value).toBe('done');
    expect(sleeps).toEqual([100, 200]);
  });

  it('does not retry a permanent failure and stops after maxAttempts', async () => {
    let permanentCalls = 0;
    await expect(
      withRetry(async () => {
        permanentCalls++;
        throw serviceError('AccessDenied', 403);
      }, policy),
    ).rejects.toThrow('AccessDenied');
    let transientCalls = 0;
    await expect(
      withRetry(
        async () => {
          transientCalls++;
          throw serviceError('SlowDown', 503);
        },
        policy,
        { sleep: async () => undefined },
      ),
    ).rejects.toThrow('SlowDown');

    expect(permanentCalls).toBe(1);
    expect(transientCalls).toBe(4);
  });
});
