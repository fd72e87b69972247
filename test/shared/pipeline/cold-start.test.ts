import { ConfigError } from '../../../shared/errors';
import { atColdStart } from '../../../shared/pipeline/cold-start';
import { recordingLog } from './pipeline-harness';

describe('atColdStart', () => {
  it('answers every invocation with the configuration error as a PermanentFailure, logging it once', async () => {
    // Prepare
    const log = recordingLog();

    // Act
    const handler = atColdStart<(event: unknown) => Promise<unknown>>(() => {
      throw new ConfigError('S3_RETRY_MAX must be a whole number, got "many"');
    }, log);
    const answers = await Promise.allSettled([handler({}), handler({ Records: [] })]);

    // Assess
    for (const answer of answers) {
      expect(answer).toMatchObject({
        status: 'rejected',
        reason: {
          name: 'PermanentFailure',
          message: 'CONFIG: S3_RETRY_MAX must be a whole number, got "many"',
        },
      });
    }
    expect(log.lines).toEqual([
      {
        level: 'error',
        message: 'the handler cannot start',
        extra: { code: 'CONFIG', error: 'CONFIG: S3_RETRY_MAX must be a whole number, got "many"' },
      },
    ]);
  });

  it('returns the handler it built when the configuration is good', async () => {
    // Prepare
    const log = recordingLog();

    // Act
    const handler = atColdStart(() => async (event: unknown) => ({ echoed: event }), log);

    // Assess
    await expect(handler('hello')).resolves.toEqual({ echoed: 'hello' });
    expect(log.lines).toEqual([]);
  });
});
